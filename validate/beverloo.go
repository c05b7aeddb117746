package validate

import "math"

// Beverloo's law for the discharge of coarse granular material through an
// orifice (Beverloo, Leniger and van de Velde, Chem. Eng. Sci. 15 (1961)
// 260; constants as given by Nedderman, Statics and Kinematics of Granular
// Materials, 1992). It holds for outlets larger than about six particle
// diameters and a fill height above about one outlet diameter.
const (
	BeverlooC = 0.58 // discharge coefficient for smooth spheres
	BeverlooK = 1.5  // empty-annulus coefficient for smooth spheres
)

// BeverlooCircular returns the mass flow rate, kg/s, through a circular
// orifice of diameter outlet (m) for particles of diameter d (m), bulk
// density rhoBulk (kg/m^3) and gravity g (m/s^2):
// W = C rho_b sqrt(g) (D - k d)^(5/2).
func BeverlooCircular(c, k, rhoBulk, g, outlet, d float64) float64 {
	return c * rhoBulk * math.Sqrt(g) * math.Pow(outlet-k*d, 2.5)
}

// BeverlooSlot returns the mass flow rate, kg/s, through a slot of width
// (m) and length (m): W = C rho_b sqrt(g) (W0 - k d)^(3/2) L.
func BeverlooSlot(c, k, rhoBulk, g, width, length, d float64) float64 {
	return c * rhoBulk * math.Sqrt(g) * math.Pow(width-k*d, 1.5) * length
}
