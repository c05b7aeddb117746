package grouping

import (
	"math"

	"gonum.org/v1/gonum/spatial/r3"
)

// Mat3 is a 3x3 matrix stored row-major: element (i, j) is at 3*i+j.
// It is a value type so that entity state can be stored in flat slices.
type Mat3 [9]float64

// Identity3 returns the 3x3 identity matrix.
func Identity3() Mat3 { return Mat3{1, 0, 0, 0, 1, 0, 0, 0, 1} }

// Skew returns the cross-product matrix of w, the matrix W with
// W x = w × x for every x.
func Skew(w r3.Vec) Mat3 {
	return Mat3{0, -w.Z, w.Y, w.Z, 0, -w.X, -w.Y, w.X, 0}
}

// MulVec returns m v.
func (m Mat3) MulVec(v r3.Vec) r3.Vec {
	return r3.Vec{
		X: m[0]*v.X + m[1]*v.Y + m[2]*v.Z,
		Y: m[3]*v.X + m[4]*v.Y + m[5]*v.Z,
		Z: m[6]*v.X + m[7]*v.Y + m[8]*v.Z,
	}
}

// Mul returns m n.
func (m Mat3) Mul(n Mat3) Mat3 {
	var p Mat3
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			p[3*i+j] = m[3*i]*n[j] + m[3*i+1]*n[3+j] + m[3*i+2]*n[6+j]
		}
	}
	return p
}

// Add returns m + n.
func (m Mat3) Add(n Mat3) Mat3 {
	for i := range m {
		m[i] += n[i]
	}
	return m
}

// Scale returns s m.
func (m Mat3) Scale(s float64) Mat3 {
	for i := range m {
		m[i] *= s
	}
	return m
}

// T returns the transpose of m.
func (m Mat3) T() Mat3 {
	return Mat3{m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]}
}

// Trace returns the sum of the diagonal of m.
func (m Mat3) Trace() float64 { return m[0] + m[4] + m[8] }

// Axial returns the axial vector of the antisymmetric part of m, the w
// with (m - mᵀ)/2 = Skew(w). For a velocity gradient it is half the
// vorticity, the angular velocity of the local rigid rotation.
func (m Mat3) Axial() r3.Vec {
	return r3.Vec{X: (m[7] - m[5]) / 2, Y: (m[2] - m[6]) / 2, Z: (m[3] - m[1]) / 2}
}

// addOuter adds s a bᵀ to m.
func (m *Mat3) addOuter(s float64, a, b r3.Vec) {
	m[0] += s * a.X * b.X
	m[1] += s * a.X * b.Y
	m[2] += s * a.X * b.Z
	m[3] += s * a.Y * b.X
	m[4] += s * a.Y * b.Y
	m[5] += s * a.Y * b.Z
	m[6] += s * a.Z * b.X
	m[7] += s * a.Z * b.Y
	m[8] += s * a.Z * b.Z
}

func (m Mat3) maxAbs() float64 {
	var a float64
	for _, x := range m {
		a = max(a, math.Abs(x))
	}
	return a
}

// Exp returns the matrix exponential of m by scaling and squaring with a
// Taylor series, one of the methods reviewed by Moler and Van Loan,
// "Nineteen dubious ways to compute the exponential of a matrix,
// twenty-five years later", SIAM Review 45 (2003). The argument is scaled
// to an infinity norm of at most 1/2, and the series is cut where the next
// term's bound norm^(k+1)/(k+1)! drops below 1e-17 (at most 14 terms), so
// the small steps of a rollout cost only a few terms. For an antisymmetric
// m the result is a rotation matrix to rounding error.
func (m Mat3) Exp() Mat3 {
	norm := 0.0
	for i := 0; i < 3; i++ {
		norm = max(norm, math.Abs(m[3*i])+math.Abs(m[3*i+1])+math.Abs(m[3*i+2]))
	}
	squarings := 0
	if norm > 0.5 {
		squarings = int(math.Ceil(math.Log2(norm / 0.5)))
	}
	a := m.Scale(math.Ldexp(1, -squarings))

	// Number of terms, then the Horner form of sum_k a^k / k!.
	scaled := math.Ldexp(norm, -squarings)
	terms, bound := 0, scaled
	for terms < 14 && bound >= 1e-17 {
		terms++
		bound *= scaled / float64(terms+1)
	}
	e := Identity3()
	for k := terms; k >= 1; k-- {
		e = Identity3().Add(a.Mul(e).Scale(1 / float64(k)))
	}
	for ; squarings > 0; squarings-- {
		e = e.Mul(e)
	}
	return e
}

// Sym3 is a symmetric 3x3 matrix stored as its upper triangle:
// xx, xy, xz, yy, yz, zz.
type Sym3 [6]float64

// Mat returns s as a full matrix.
func (s Sym3) Mat() Mat3 {
	return Mat3{s[0], s[1], s[2], s[1], s[3], s[4], s[2], s[4], s[5]}
}

// Trace returns the sum of the diagonal of s.
func (s Sym3) Trace() float64 { return s[0] + s[3] + s[5] }

// addOuter adds w a aᵀ to s.
func (s *Sym3) addOuter(w float64, a r3.Vec) {
	s[0] += w * a.X * a.X
	s[1] += w * a.X * a.Y
	s[2] += w * a.X * a.Z
	s[3] += w * a.Y * a.Y
	s[4] += w * a.Y * a.Z
	s[5] += w * a.Z * a.Z
}

// Eigen returns the eigenvalues of s in decreasing order and the matching
// unit eigenvectors as the columns of a matrix.
func (s Sym3) Eigen() (values [3]float64, vectors Mat3) {
	a := s.Mat()
	var vals [3]float64
	vecs := make([]float64, 9)
	symEigen(a[:], 3, vals[:], vecs)
	return vals, Mat3(vecs)
}

// PseudoInverse returns the Moore-Penrose inverse of the positive
// semidefinite s. Eigenvalues below rtol times the largest are treated as
// zero, so a degenerate member cloud (one particle, a line, a plane) gets
// a least-squares fit with no component along the missing directions.
func (s Sym3) PseudoInverse(rtol float64) Mat3 {
	vals, vecs := s.Eigen()
	var inv Mat3
	cut := rtol * vals[0]
	for k := 0; k < 3; k++ {
		if vals[k] <= cut || vals[k] <= 0 {
			continue
		}
		u := r3.Vec{X: vecs[k], Y: vecs[3+k], Z: vecs[6+k]}
		inv.addOuter(1/vals[k], u, u)
	}
	return inv
}

// Inverse returns the Moore-Penrose inverse of the positive semidefinite
// s, like PseudoInverse with tolerance rtol. A well-conditioned s, whose
// determinant is at least 1e-3 of (trace/3)³ so that its condition number
// is below about 1e3, is inverted through its adjugate, which is exact to
// a few rounding errors and ten times cheaper than the eigen decomposition
// used otherwise.
func (s Sym3) Inverse(rtol float64) Mat3 {
	c00 := s[3]*s[5] - s[4]*s[4]
	c01 := s[2]*s[4] - s[1]*s[5]
	c02 := s[1]*s[4] - s[2]*s[3]
	det := s[0]*c00 + s[1]*c01 + s[2]*c02
	mean := s.Trace() / 3
	if !(mean > 0) || det < 1e-3*mean*mean*mean {
		return s.PseudoInverse(rtol)
	}
	c11 := s[0]*s[5] - s[2]*s[2]
	c12 := s[1]*s[2] - s[0]*s[4]
	c22 := s[0]*s[3] - s[1]*s[1]
	inv := 1 / det
	return Mat3{c00 * inv, c01 * inv, c02 * inv, c01 * inv, c11 * inv, c12 * inv, c02 * inv, c12 * inv, c22 * inv}
}

// symEigen computes the eigen decomposition of the symmetric n×n matrix a
// (row-major, destroyed) by cyclic Jacobi rotations, the classical method
// for small symmetric matrices. Eigenvalues go to vals in
// decreasing order and unit eigenvectors to the columns of vecs. Jacobi is
// used for the small matrices here (n <= 6) because it is accurate to
// rounding for tiny eigenvalues, which the least-squares fits depend on.
func symEigen(a []float64, n int, vals, vecs []float64) {
	for i := range vecs[:n*n] {
		vecs[i] = 0
	}
	for i := 0; i < n; i++ {
		vecs[i*n+i] = 1
	}

	for sweep := 0; sweep < 60; sweep++ {
		off, diag := 0.0, 0.0
		for p := 0; p < n; p++ {
			diag += a[p*n+p] * a[p*n+p]
			for q := p + 1; q < n; q++ {
				off += a[p*n+q] * a[p*n+q]
			}
		}
		if off == 0 || off <= 1e-32*diag {
			break
		}
		for p := 0; p < n-1; p++ {
			for q := p + 1; q < n; q++ {
				jacobiRotate(a, vecs, n, p, q)
			}
		}
	}

	for i := 0; i < n; i++ {
		vals[i] = a[i*n+i]
	}
	sortEigen(vals, vecs, n)
}

// jacobiRotate zeroes a[p][q] with one plane rotation applied on both
// sides of a and accumulated into the columns of v.
func jacobiRotate(a, v []float64, n, p, q int) {
	apq := a[p*n+q]
	if apq == 0 {
		return
	}
	theta := (a[q*n+q] - a[p*n+p]) / (2 * apq)
	t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
	if theta < 0 {
		t = -t
	}
	c := 1 / math.Sqrt(t*t+1)
	s := t * c

	for k := 0; k < n; k++ {
		akp, akq := a[k*n+p], a[k*n+q]
		a[k*n+p] = c*akp - s*akq
		a[k*n+q] = s*akp + c*akq
	}
	for k := 0; k < n; k++ {
		apk, aqk := a[p*n+k], a[q*n+k]
		a[p*n+k] = c*apk - s*aqk
		a[q*n+k] = s*apk + c*aqk
	}
	for k := 0; k < n; k++ {
		vkp, vkq := v[k*n+p], v[k*n+q]
		v[k*n+p] = c*vkp - s*vkq
		v[k*n+q] = s*vkp + c*vkq
	}
}

// sortEigen orders eigenpairs by decreasing eigenvalue (selection sort,
// n is tiny).
func sortEigen(vals, vecs []float64, n int) {
	for i := 0; i < n; i++ {
		k := i
		for j := i + 1; j < n; j++ {
			if vals[j] > vals[k] {
				k = j
			}
		}
		if k == i {
			continue
		}
		vals[i], vals[k] = vals[k], vals[i]
		for r := 0; r < n; r++ {
			vecs[r*n+i], vecs[r*n+k] = vecs[r*n+k], vecs[r*n+i]
		}
	}
}
