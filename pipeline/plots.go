package pipeline

import (
	"bytes"
	"fmt"
	"image/color"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/neusim/neusim/internal/atomicfile"
)

var (
	demColour       = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	surrogateColour = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
)

// line is one named curve of a plot.
type line struct {
	name   string
	s      Series
	colour color.Color
}

// writePlots writes the comparison plots of rep into dir as PNG.
func writePlots(rep *CompareReport, dir string) error {
	plots := []struct {
		file, title, y string
		lines          []line
	}{
		{"discharged_mass.png", "Discharged mass", "mass (kg)", []line{
			{"DEM", rep.DischargedDEM, demColour}, {"surrogate", rep.DischargedSurrogate, surrogateColour}}},
		{"mass_flow_rate.png", "Mass flow rate", "rate (kg/s)", []line{
			{"DEM", rate(rep.DischargedDEM), demColour}, {"surrogate", rate(rep.DischargedSurrogate), surrogateColour}}},
		{"kinetic_energy.png", "Kinetic energy", "energy (J)", []line{
			{"DEM", rep.KineticDEM, demColour}, {"surrogate", rep.KineticSurrogate, surrogateColour}}},
		{"field_error.png", "Solid-fraction field error", "relative L2 error", []line{
			{"surrogate vs DEM", rep.FieldErrorT, surrogateColour}}},
		{"position_error.png", "Particle position error (common particles)", "RMS distance (diameters)", []line{
			{"surrogate vs DEM", rep.PositionError, surrogateColour}}},
	}
	for _, p := range plots {
		if err := savePlot(filepath.Join(dir, p.file), p.title, p.y, p.lines); err != nil {
			return err
		}
	}
	return nil
}

// rate returns the central-difference derivative of s.
func rate(s Series) Series {
	var out Series
	for i := 1; i+1 < len(s.Time); i++ {
		dt := s.Time[i+1] - s.Time[i-1]
		if dt <= 0 {
			continue
		}
		out.Time = append(out.Time, s.Time[i])
		out.Value = append(out.Value, (s.Value[i+1]-s.Value[i-1])/dt)
	}
	return out
}

func savePlot(path, title, ylabel string, lines []line) error {
	return savePlotAxes(path, title, "time (s)", ylabel, lines)
}

// savePlotAxes writes the curves lines as a PNG line plot to path.
func savePlotAxes(path, title, xlabel, ylabel string, lines []line) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Add(plotter.NewGrid())

	for _, l := range lines {
		if len(l.s.Time) == 0 {
			continue
		}
		xy := make(plotter.XYs, len(l.s.Time))
		for i := range xy {
			xy[i].X, xy[i].Y = l.s.Time[i], l.s.Value[i]
		}
		ln, err := plotter.NewLine(xy)
		if err != nil {
			return fmt.Errorf("pipeline: plot %s: %w", path, err)
		}
		ln.Color = l.colour
		ln.Width = vg.Points(1.5)
		p.Add(ln)
		p.Legend.Add(l.name, ln)
	}
	p.Legend.Top = true

	w, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("pipeline: plot %s: %w", path, err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return fmt.Errorf("pipeline: plot %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, buf.Bytes(), 0o644)
}
