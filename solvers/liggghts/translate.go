package liggghts

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
)

// ScriptOptions controls the translation of a case. The zero value works.
type ScriptOptions struct {
	// Initial, when non-nil, is the particle state at time 0. It is
	// written as a LIGGGHTS data file and replaces the case's pack
	// insertions, so that LIGGGHTS and another solver start from the same
	// particles. Pour insertions still run. Particle ids become LIGGGHTS
	// atom ids id+1.
	Initial *particles.Frame

	// DumpPattern is the file name pattern of the dumps, with one "*"
	// replaced by the step number. Default "frame.*.dump".
	DumpPattern string

	// OutletInterval is the number of steps between outlet deletions.
	// Default: the largest divisor of the output interval in steps that is
	// at most 100.
	OutletInterval int

	// Segments is the number of facets around the circumference of mesh
	// cylinders, cones and cylinder caps. Default 96.
	Segments int

	// RadiusBins is the number of discrete radii that replace a uniform or
	// normal radius distribution. Default 16.
	RadiusBins int

	// RawRestitution passes the case's restitution coefficients to
	// LIGGGHTS unchanged, so that LIGGGHTS derives its damping from them
	// as usual. By default they are replaced by the coefficients for which
	// LIGGGHTS's clipped contacts rebound with the case's restitution, the
	// contact law of neusim's DEM solver (see the package documentation).
	RawRestitution bool
}

func (o ScriptOptions) withDefaults(outputSteps int64) ScriptOptions {
	if o.DumpPattern == "" {
		o.DumpPattern = "frame.*.dump"
	}
	if o.OutletInterval <= 0 {
		// The largest divisor of the output interval up to 100 steps, so
		// that the outlets are checked at every frame.
		o.OutletInterval = 1
		for d := min(outputSteps, 100); d > 1; d-- {
			if outputSteps%d == 0 {
				o.OutletInterval = int(d)
				break
			}
		}
	}
	if o.Segments <= 0 {
		o.Segments = 96
	}
	if o.RadiusBins <= 0 {
		o.RadiusBins = 16
	}
	return o
}

// Input is a translated case: the script and the files it reads, all
// named relative to the directory LIGGGHTS runs in.
type Input struct {
	Script string            // LIGGGHTS input script
	Files  map[string][]byte // auxiliary files (STL meshes, data file) by name

	TimeStep    float64 // integration step, s
	Steps       int64   // steps of the run
	OutputSteps int64   // steps between dumps
	DumpPattern string  // dump file name pattern with "*" for the step
	Outlets     int     // number of outlets, in case order

	// IDOffset is added to LIGGGHTS atom ids to obtain particle ids.
	IDOffset int64
}

// ScriptName is the name of the input script inside a work directory.
const ScriptName = "in.neusim"

// WriteDir writes the script as ScriptName and every auxiliary file into
// dir, which must exist.
func (in *Input) WriteDir(dir string) error {
	names := make([]string, 0, len(in.Files))
	for name := range in.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := writeFileAtomic(filepath.Join(dir, name), in.Files[name]); err != nil {
			return err
		}
	}
	return writeFileAtomic(filepath.Join(dir, ScriptName), []byte(in.Script))
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("liggghts: write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("liggghts: rename %s: %w", tmp, err)
	}
	return nil
}

// Script translates c into a LIGGGHTS input script. The script refers to
// auxiliary files; use Translate to obtain them as well.
func Script(c *cases.Case, opt ScriptOptions) (string, error) {
	in, err := Translate(c, opt)
	if err != nil {
		return "", err
	}
	return in.Script, nil
}

// Translate translates c into a LIGGGHTS input script and the files it
// reads. Case features that LIGGGHTS 3.8 cannot express are errors that
// name the feature.
func Translate(c *cases.Case, opt ScriptOptions) (*Input, error) {
	if c.Fluid != nil {
		return nil, fmt.Errorf("liggghts: case %s is a fluid case; LIGGGHTS runs particle cases (use the lbm solver)", c.Name)
	}
	t, err := newTranslator(c, opt)
	if err != nil {
		return nil, err
	}
	if err := t.translate(); err != nil {
		return nil, err
	}
	return &Input{
		Script:      t.b.String(),
		Files:       t.files,
		TimeStep:    t.dt,
		Steps:       t.steps,
		OutputSteps: t.outSteps,
		DumpPattern: t.opt.DumpPattern,
		Outlets:     len(c.Outlets),
		IDOffset:    -1,
	}, nil
}

// translator accumulates the script of one case.
type translator struct {
	c     *cases.Case
	opt   ScriptOptions
	b     strings.Builder
	files map[string][]byte

	dt        float64 // s
	steps     int64
	outSteps  int64
	skin      float64 // m
	maxRadius float64 // largest particle radius, m

	// removals lists the fix ids to unfix at each step, in unfix order.
	removals map[int64][]string

	// meshes are the mesh walls in creation order. LIGGGHTS allows one
	// fix wall/gran of mesh style, so a single fix covers all of them.
	meshes []meshWall
}

func newTranslator(c *cases.Case, opt ScriptOptions) (*translator, error) {
	if len(c.Materials) == 0 {
		return nil, fmt.Errorf("liggghts: case %s: no materials; add at least one under materials", c.Name)
	}
	for i, ins := range c.Insertions {
		if _, _, err := discreteRadii(ins.Radius, 1); err != nil {
			return nil, fmt.Errorf("liggghts: case %s: insertion %s: %w", c.Name, insertionName(ins, i), err)
		}
	}
	dt, err := timeStep(c, opt.Initial)
	if err != nil {
		return nil, err
	}
	if c.Solver.Duration <= 0 {
		return nil, fmt.Errorf("liggghts: case %s: solver duration %g s must be positive", c.Name, c.Solver.Duration)
	}
	if c.Solver.OutputInterval <= 0 {
		return nil, fmt.Errorf("liggghts: case %s: solver output interval %g s must be positive", c.Name, c.Solver.OutputInterval)
	}
	if c.Solver.TimeStep == 0 {
		// Shorten the automatic step so that frames fall on multiples of
		// the output interval, as neusim's DEM solver does.
		dt = c.Solver.OutputInterval / math.Ceil(c.Solver.OutputInterval/dt-1e-9)
	}

	t := &translator{
		c:        c,
		files:    map[string][]byte{},
		dt:       dt,
		steps:    int64(math.Ceil(c.Solver.Duration/dt - 1e-9)),
		outSteps: max(1, int64(math.Round(c.Solver.OutputInterval/dt))),
		removals: map[int64][]string{},
	}
	t.opt = opt.withDefaults(t.outSteps)

	t.maxRadius = maxRadius(c, opt.Initial)
	t.skin = c.Solver.Skin
	if t.skin <= 0 {
		t.skin = 0.4 * t.maxRadius
	}
	if t.skin <= 0 {
		return nil, fmt.Errorf("liggghts: case %s: no particle radius found for the neighbour skin; set solver skin", c.Name)
	}
	return t, nil
}

func (t *translator) printf(format string, args ...any) {
	fmt.Fprintf(&t.b, format, args...)
}

func (t *translator) translate() error {
	t.header()
	if err := t.box(); err != nil {
		return err
	}
	if err := t.contact(); err != nil {
		return err
	}
	t.gravity()
	t.printf("fix integrate all nve/sphere\n")
	if err := t.packInsertions(); err != nil {
		return err
	}
	t.printf("timestep %s\n", g(t.dt))
	if err := t.walls(); err != nil {
		return err
	}
	if err := t.pourInsertions(); err != nil {
		return err
	}
	if err := t.outletRegions(); err != nil {
		return err
	}
	t.output()
	return t.runs()
}

func (t *translator) header() {
	c := t.c
	t.printf("# LIGGGHTS-PUBLIC 3.8 input translated by neusim from case %s (%s)\n", c.Name, c.Source)
	t.printf("# time step %s s, %d steps, a dump every %d steps\n", g(t.dt), t.steps, t.outSteps)
	t.printf("atom_style granular\n")
	// LAMMPS sorts atoms spatially every 1000 steps, by default in bins of
	// half the neighbour cutoff. That bin size is zero once outlets have
	// emptied the domain, so it is set explicitly.
	t.printf("atom_modify map array sort 1000 %s\n", g((2*t.maxRadius+t.skin)/2))
	t.printf("units si\n")
	t.printf("boundary %s\n", boundary(c.Domain.Periodic))
	t.printf("newton off\n")
	t.printf("communicate single vel yes\n")
}

func boundary(periodic [3]bool) string {
	s := make([]string, 3)
	for i, p := range periodic {
		s[i] = "f"
		if p {
			s[i] = "p"
		}
	}
	return strings.Join(s, " ")
}

// box creates the simulation box, from the initial frame's data file when
// there is one.
func (t *translator) box() error {
	c := t.c
	lo, hi := c.Domain.Min, c.Domain.Max
	if !(hi.X > lo.X && hi.Y > lo.Y && hi.Z > lo.Z) {
		return fmt.Errorf("liggghts: case %s: domain min %v must be below max %v on every axis", c.Name, lo, hi)
	}
	if t.opt.Initial != nil {
		data, err := dataFile(c, t.opt.Initial)
		if err != nil {
			return err
		}
		t.files[dataFileName] = data
		t.printf("read_data %s\n", dataFileName)
	} else {
		t.printf("region domain block %s %s %s %s %s %s units box\n", g(lo.X), g(hi.X), g(lo.Y), g(hi.Y), g(lo.Z), g(hi.Z))
		t.printf("create_box %d domain\n", len(c.Materials))
	}
	t.printf("neighbor %s bin\n", g(t.skin))
	t.printf("neigh_modify delay 0\n")
	return nil
}

func (t *translator) gravity() {
	gv := t.c.Gravity
	n := r3.Norm(gv)
	if n == 0 {
		return
	}
	u := r3.Scale(1/n, gv)
	t.printf("fix gravity all gravity %s vector %s %s %s\n", g(n), g(u.X), g(u.Y), g(u.Z))
}

// output sets up thermo output and the dumps.
func (t *translator) output() {
	t.printf("thermo %d\n", t.outSteps)
	t.printf("thermo_style custom step atoms ke cpu\n")
	t.printf("thermo_modify lost ignore norm no\n")
	t.printf("dump frames all custom %d %s %s\n", t.outSteps, t.opt.DumpPattern, strings.Join(dumpColumns, " "))
	formats := make([]string, len(dumpColumns))
	for i, col := range dumpColumns {
		formats[i] = "%.17g"
		if col == "id" || col == "type" {
			formats[i] = "%d"
		}
	}
	t.printf("dump_modify frames sort id format \"%s\"\n", strings.Join(formats, " "))
}

// dumpColumns are the per-atom columns the solver dumps.
var dumpColumns = []string{"id", "type", "x", "y", "z", "vx", "vy", "vz", "omegax", "omegay", "omegaz", "radius", "mass"}

// g formats a float with full precision for the script.
func g(x float64) string {
	return fmt.Sprintf("%.17g", x)
}
