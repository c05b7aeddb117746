package cases

// Interaction returns the contact coefficients between materials a and b.
// A pair override in c.Pairs wins; otherwise each coefficient is the
// arithmetic mean of the two materials' values, which for a == b is the
// material's own value.
func (c *Case) Interaction(a, b int) Interaction {
	for _, p := range c.Pairs {
		if (p.A == a && p.B == b) || (p.A == b && p.B == a) {
			return p.Interaction
		}
	}
	ma, mb := c.Materials[a], c.Materials[b]
	return Interaction{
		Restitution:     (ma.Restitution + mb.Restitution) / 2,
		Friction:        (ma.Friction + mb.Friction) / 2,
		RollingFriction: (ma.RollingFriction + mb.RollingFriction) / 2,
	}
}
