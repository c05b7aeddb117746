package fields

import (
	"fmt"
	"math"
)

// Kernel is the coarse-graining function phi(r) that spreads each
// particle over the grid.
type Kernel int

const (
	// Gaussian is exp(-r^2 / (2 w^2)) with standard deviation w = Width,
	// truncated at r = 3w.
	Gaussian Kernel = iota
	// Lucy is the polynomial (1 + 3 r/c)(1 - r/c)^3 for r < c, with
	// cutoff radius c = Width (Lucy 1977, Astron. J. 82:1013). Its
	// standard deviation along each axis is c / (2 sqrt(3)), so a Lucy
	// kernel with c = 3.46 w smooths like a Gaussian of width w.
	Lucy
)

// String returns the kernel's name as used on the command line.
func (k Kernel) String() string {
	switch k {
	case Gaussian:
		return "gaussian"
	case Lucy:
		return "lucy"
	}
	return fmt.Sprintf("Kernel(%d)", int(k))
}

// ParseKernel returns the kernel named s ("gaussian" or "lucy").
func ParseKernel(s string) (Kernel, error) {
	switch s {
	case "gaussian":
		return Gaussian, nil
	case "lucy":
		return Lucy, nil
	}
	return 0, fmt.Errorf("fields: unknown kernel %q: want gaussian or lucy", s)
}

// cutoff returns the radius beyond which the kernel is zero, m.
func (k Kernel) cutoff(width float64) float64 {
	if k == Gaussian {
		return 3 * width
	}
	return width
}

// shape returns the kernel at squared distance r2 (m^2), up to the
// normalising factor, which the caller computes over the grid. r2 is
// below the squared cutoff.
func (k Kernel) shape(r2, width float64) float64 {
	if k == Gaussian {
		return math.Exp(-r2 / (2 * width * width))
	}
	s := math.Sqrt(r2) / width
	u := 1 - s
	return (1 + 3*s) * u * u * u
}

// integral returns the integral of shape over all space, m^3: the factor
// that normalises the continuous kernel. For the Gaussian truncated at 3w
// it is (2 pi)^(3/2) w^3 [erf(3/sqrt 2) - 3 sqrt(2/pi) exp(-9/2)]; for
// Lucy it is 16 pi c^3 / 105.
func (k Kernel) integral(width float64) float64 {
	w3 := width * width * width
	if k == Gaussian {
		return math.Pow(2*math.Pi, 1.5) * w3 * (math.Erf(3/math.Sqrt2) - 3*math.Sqrt(2/math.Pi)*math.Exp(-4.5))
	}
	return 16 * math.Pi * w3 / 105
}
