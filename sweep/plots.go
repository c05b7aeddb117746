package sweep

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/neusim/neusim/internal/atomicfile"
)

var nan = math.NaN()

// withUnit returns "name [unit]", or name alone for dimensionless values.
func withUnit(name, unit string) string {
	if unit == "" || unit == "1" {
		return name
	}
	return fmt.Sprintf("%s [%s]", name, unit)
}

// writePlots draws every summary observable against every swept
// parameter as a scatter plot, one PNG per pair, named
// OBSERVABLE--vs--PARAMETER.png. Failed variants are left out.
func writePlots(dir string, m *Manifest, results map[int]Result) error {
	units := map[string]string{}
	for _, r := range results {
		if r.Status != StatusOK {
			continue
		}
		for k, q := range r.Summary {
			units[k] = q.Unit
		}
	}
	if len(units) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	for _, obs := range sortedKeys(units) {
		for pi, param := range m.Params {
			var pts plotter.XYs
			for _, r := range results {
				q, ok := r.Summary[obs]
				if r.Status != StatusOK || !ok || math.IsNaN(q.Value) || math.IsInf(q.Value, 0) {
					continue
				}
				pts = append(pts, plotter.XY{X: r.Values[param], Y: q.Value})
			}
			if len(pts) == 0 {
				continue
			}
			p := plot.New()
			p.Title.Text = fmt.Sprintf("%s against %s", obs, param)
			p.X.Label.Text = withUnit(param, m.Units[pi])
			p.Y.Label.Text = withUnit(obs, units[obs])
			p.Add(plotter.NewGrid())
			s, err := plotter.NewScatter(pts)
			if err != nil {
				return fmt.Errorf("sweep: plot %s: %w", obs, err)
			}
			p.Add(s)
			name := fileSafe(obs) + "--vs--" + fileSafe(param) + ".png"
			if err := saveAtomic(p, filepath.Join(dir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

func saveAtomic(p *plot.Plot, path string) error {
	wt, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("sweep: plot %s: %w", path, err)
	}
	return atomicfile.Write(path, 0o644, func(w *bufio.Writer) error {
		_, err := wt.WriteTo(w)
		return err
	})
}

func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-', r == '.':
			return r
		}
		return '_'
	}, s)
}
