package grouping

import "math"

// RestrictPointsLeastSquares returns the super-node values (width per
// super-node) whose prolongation is closest to values in the least-squares
// sense: the s that minimises ‖ProlongPoints(s) − values‖₂. Where the mean
// of RestrictPoints blurs a curved field, these values make the
// prolongated field as close as the interpolation allows, which matters in
// boundary layers.
//
// It solves the normal equations PᵀP s = Pᵀ values by conjugate gradients,
// started from the mean restriction, to a residual of 1e-10 of Pᵀ values.
// PᵀP is singular when a super-node has no weight at any point. Such a
// component keeps its start value, because conjugate gradients only move
// within the range of PᵀP. It panics on a length mismatch.
func (p *PointGrouping) RestrictPointsLeastSquares(values []float64, width int) []float64 {
	if len(values) != len(p.Node)*width {
		panic("grouping: RestrictPointsLeastSquares: values length is not points times width")
	}
	x := p.RestrictPoints(values, width)
	b := p.prolongTranspose(values, width)
	r := p.normalProduct(x, width)
	for i := range r {
		r[i] = b[i] - r[i]
	}
	dir := append([]float64(nil), r...)
	rr := dot(r, r)
	tol := 1e-20 * dot(b, b)
	for it := 0; it < 10*len(x) && rr > tol; it++ {
		q := p.normalProduct(dir, width)
		dq := dot(dir, q)
		if dq <= 0 || math.IsNaN(dq) {
			break
		}
		a := rr / dq
		for i := range x {
			x[i] += a * dir[i]
			r[i] -= a * q[i]
		}
		next := dot(r, r)
		for i := range dir {
			dir[i] = r[i] + next/rr*dir[i]
		}
		rr = next
	}
	return x
}

// prolongTranspose returns Pᵀ v for point values v.
func (p *PointGrouping) prolongTranspose(v []float64, width int) []float64 {
	out := make([]float64, p.Len()*width)
	for i := range p.Node {
		for j := p.WStart[i]; j < p.WStart[i+1]; j++ {
			dst := out[int(p.Source[j])*width : (int(p.Source[j])+1)*width]
			for d := range dst {
				dst[d] += p.Weight[j] * v[i*width+d]
			}
		}
	}
	return out
}

// normalProduct returns PᵀP s.
func (p *PointGrouping) normalProduct(s []float64, width int) []float64 {
	return p.prolongTranspose(p.ProlongPoints(s, width), width)
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
