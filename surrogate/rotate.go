package surrogate

import "math"

// rotation is a 3×3 rotation matrix, row-major.
type rotation [9]float64

// rotationAbout returns the rotation by angle (rad) about the direction
// axis, which need not be unit length (Rodrigues' formula).
func rotationAbout(axis [3]float64, angle float64) rotation {
	n := math.Sqrt(axis[0]*axis[0] + axis[1]*axis[1] + axis[2]*axis[2])
	x, y, z := axis[0]/n, axis[1]/n, axis[2]/n
	s, c := math.Sincos(angle)
	k := 1 - c
	return rotation{
		c + k*x*x, k*x*y - s*z, k*x*z + s*y,
		k*y*x + s*z, c + k*y*y, k*y*z - s*x,
		k*z*x - s*y, k*z*y + s*x, c + k*z*z,
	}
}

// vec writes R v into out. out and v may be the same slice.
func (r *rotation) vec(out, v []float64) {
	a, b, c := v[0], v[1], v[2]
	out[0] = r[0]*a + r[1]*b + r[2]*c
	out[1] = r[3]*a + r[4]*b + r[5]*c
	out[2] = r[6]*a + r[7]*b + r[8]*c
}

// tensor writes R T Rᵀ into out for the row-major 3×3 tensor t. out and
// t may be the same slice.
func (r *rotation) tensor(out, t []float64) {
	var rt [9]float64 // R T
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			rt[3*i+j] = r[3*i]*t[j] + r[3*i+1]*t[3+j] + r[3*i+2]*t[6+j]
		}
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			out[3*i+j] = rt[3*i]*r[3*j] + rt[3*i+1]*r[3*j+1] + rt[3*i+2]*r[3*j+2]
		}
	}
}

// transpose returns Rᵀ, the inverse rotation.
func (r *rotation) transpose() rotation {
	return rotation{r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]}
}

// rotatedFrames returns frames lo..hi (inclusive) of s with every vector
// and tensor rotated by r (see rotateFrame).
func rotatedFrames(s *Sequence, lo, hi int, r rotation) *Sequence {
	out := &Sequence{Name: s.Name, Dt: s.Dt, Frames: make([]EntityFrame, hi-lo+1)}
	for k := range out.Frames {
		rotateFrame(&out.Frames[k], &s.Frames[lo+k], r)
	}
	return out
}

// rotateFrame sets dst to src with every vector and tensor rotated by r:
// centres, velocity gradients, shape covariances and the wall edges'
// vectors. Scalars, pairs and design values are shared with src, not
// copied. Rotating centres, walls and velocities together rotates the
// whole scene, which leaves its physics unchanged when r turns about
// gravity. dst's own arrays are reused where large enough.
func rotateFrame(dst, src *EntityFrame, r rotation) {
	n := src.N()
	pos, grad, shape, walls := dst.Pos, dst.Grad, dst.Shape, dst.Walls
	*dst = *src
	dst.Pos = grow(pos, 3*n)
	dst.Grad = grow(grad, 9*n)
	dst.Shape = grow(shape, 6*n)
	for i := 0; i < n; i++ {
		r.vec(dst.Pos[3*i:3*i+3], src.Pos[3*i:3*i+3])
		r.tensor(dst.Grad[9*i:9*i+9], src.Grad[9*i:9*i+9])
		sh := src.Shape[6*i : 6*i+6]
		full := [9]float64{sh[0], sh[1], sh[2], sh[1], sh[3], sh[4], sh[2], sh[4], sh[5]}
		r.tensor(full[:], full[:])
		out := dst.Shape[6*i : 6*i+6]
		out[0], out[1], out[2], out[3], out[4], out[5] = full[0], full[1], full[2], full[4], full[5], full[8]
	}
	dst.Walls = append(walls[:0], src.Walls...)
	for j := range dst.Walls {
		w := &dst.Walls[j]
		r.vec(w.ToWall[:], w.ToWall[:])
		r.vec(w.Normal[:], w.Normal[:])
		r.vec(w.WallVel[:], w.WallVel[:])
	}
}

// rotateVectors sets dst to the N×3 vectors of src rotated by r, reusing
// dst's array where large enough, and returns it.
func rotateVectors(dst, src []float64, r rotation) []float64 {
	dst = grow(dst, len(src))
	for i := 0; i+3 <= len(src); i += 3 {
		r.vec(dst[i:i+3], src[i:i+3])
	}
	return dst
}

// grow returns s resliced to length n, or a new slice if s is too short.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
