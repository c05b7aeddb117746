package grouping

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
)

// lattice returns a frame of nx*ny*nz particles of radius r on a cubic
// lattice of spacing 2r starting at origin, with ids starting at firstID,
// at rest.
func lattice(nx, ny, nz int, r float64, origin r3.Vec, firstID int64) *particles.Frame {
	f := &particles.Frame{}
	id := firstID
	for i := 0; i < nx; i++ {
		for j := 0; j < ny; j++ {
			for k := 0; k < nz; k++ {
				p := r3.Add(origin, r3.Vec{X: 2 * r * float64(i), Y: 2 * r * float64(j), Z: 2 * r * float64(k)})
				f.ID = append(f.ID, id)
				f.Pos = append(f.Pos, p)
				f.Vel = append(f.Vel, r3.Vec{})
				f.Omega = append(f.Omega, r3.Vec{})
				f.Radius = append(f.Radius, r)
				f.Mass = append(f.Mass, 2500*4.0/3*math.Pi*r*r*r)
				f.Material = append(f.Material, 0)
				id++
			}
		}
	}
	return f
}

// concat joins frames particle-wise.
func concat(fs ...*particles.Frame) *particles.Frame {
	out := &particles.Frame{}
	for _, f := range fs {
		out.ID = append(out.ID, f.ID...)
		out.Pos = append(out.Pos, f.Pos...)
		out.Vel = append(out.Vel, f.Vel...)
		out.Omega = append(out.Omega, f.Omega...)
		out.Radius = append(out.Radius, f.Radius...)
		out.Mass = append(out.Mass, f.Mass...)
		out.Material = append(out.Material, f.Material...)
	}
	return out
}

// jitter perturbs radii and masses of f so that they differ per particle.
func jitter(f *particles.Frame, rng *rand.Rand) {
	for i := range f.Radius {
		s := 1 + 0.2*(rng.Float64()-0.5)
		f.Radius[i] *= s
		f.Mass[i] *= s * s * s
		f.Material[i] = int32(rng.IntN(2))
	}
}

// rotation returns the rotation by angle about the unit axis.
func rotation(axis r3.Vec, angle float64) Mat3 {
	return Skew(r3.Scale(angle, axis)).Exp()
}

// rigidMotion returns the frame of f's particles moved as a rigid body:
// rotated by angular velocity w about the centre c and translated with
// velocity v, after time t, with rigid-body velocities and spins.
func rigidMotion(f *particles.Frame, c, v, w r3.Vec, t float64) *particles.Frame {
	g := f.Clone()
	rot := Skew(r3.Scale(t, w)).Exp()
	c2 := r3.Add(c, r3.Scale(t, v))
	for i := range g.Pos {
		r := rot.MulVec(r3.Sub(f.Pos[i], c))
		g.Pos[i] = r3.Add(c2, r)
		g.Vel[i] = r3.Add(v, r3.Cross(w, r))
		g.Omega[i] = w
	}
	g.Time = f.Time + t
	return g
}

// affineMotion returns the frame of f's particles under the affine motion
// x(t) = c + v t + exp(A t)(X - c) with velocities v + A (x - c - v t).
func affineMotion(f *particles.Frame, c, v r3.Vec, a Mat3, t float64) *particles.Frame {
	g := f.Clone()
	def := a.Scale(t).Exp()
	c2 := r3.Add(c, r3.Scale(t, v))
	for i := range g.Pos {
		r := def.MulVec(r3.Sub(f.Pos[i], c))
		g.Pos[i] = r3.Add(c2, r)
		g.Vel[i] = r3.Add(v, a.MulVec(r))
	}
	g.Time = f.Time + t
	return g
}

func maxDist(a, b []r3.Vec) float64 {
	var d float64
	for i := range a {
		d = max(d, r3.Norm(r3.Sub(a[i], b[i])))
	}
	return d
}
