package lbm

// Lattice is a DdQq velocity set: Q discrete velocities C (in lattice units,
// components -1, 0 or 1) with quadrature weights W, for which the lattice
// speed of sound squared is 1/3. Velocity 0 is the rest velocity and
// Opp[i] is the index of -C[i].
type Lattice struct {
	Name string
	D    int // spatial dimensions
	Q    int // number of velocities
	C    [][3]int
	W    []float64
	Opp  []int
}

// csSq is the squared lattice speed of sound, c_s^2 = 1/3 in lattice units,
// for both D2Q9 and D3Q19.
const csSq = 1.0 / 3

// D2Q9 returns the two-dimensional nine-velocity lattice (Qian, d'Humieres
// & Lallemand 1992, Europhys. Lett. 17:479): weights 4/9 at rest, 1/9 along
// the axes and 1/36 along the diagonals.
func D2Q9() *Lattice {
	c := [][3]int{
		{0, 0, 0},
		{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0},
		{1, 1, 0}, {-1, -1, 0}, {1, -1, 0}, {-1, 1, 0},
	}
	w := []float64{4.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 36, 1.0 / 36, 1.0 / 36, 1.0 / 36}
	return newLattice("D2Q9", 2, c, w)
}

// D3Q19 returns the three-dimensional nineteen-velocity lattice (Qian,
// d'Humieres & Lallemand 1992): weights 1/3 at rest, 1/18 along the axes
// and 1/36 along the face diagonals.
func D3Q19() *Lattice {
	c := [][3]int{{0, 0, 0}}
	w := []float64{1.0 / 3}
	for a := 0; a < 3; a++ {
		for _, s := range []int{1, -1} {
			var v [3]int
			v[a] = s
			c = append(c, v)
			w = append(w, 1.0/18)
		}
	}
	for a := 0; a < 3; a++ {
		for b := a + 1; b < 3; b++ {
			for _, s := range [][2]int{{1, 1}, {-1, -1}, {1, -1}, {-1, 1}} {
				var v [3]int
				v[a], v[b] = s[0], s[1]
				c = append(c, v)
				w = append(w, 1.0/36)
			}
		}
	}
	return newLattice("D3Q19", 3, c, w)
}

func newLattice(name string, d int, c [][3]int, w []float64) *Lattice {
	opp := make([]int, len(c))
	for i, ci := range c {
		for j, cj := range c {
			if cj[0] == -ci[0] && cj[1] == -ci[1] && cj[2] == -ci[2] {
				opp[i] = j
			}
		}
	}
	return &Lattice{Name: name, D: d, Q: len(c), C: c, W: w, Opp: opp}
}
