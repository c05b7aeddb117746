package liggghts

import (
	"fmt"
	"slices"
	"strings"

	"github.com/neusim/neusim/cases"
)

// OutletMarker starts the line the script prints at each outlet check:
// "NEUSIM_OUTLET step outlet count mass", with the number of particles
// and their mass in kg removed by this check.
const OutletMarker = "NEUSIM_OUTLET"

// outletRegions defines a region and two counting variables per outlet.
func (t *translator) outletRegions() error {
	if len(t.c.Outlets) == 0 {
		return nil
	}
	t.printf("variable neusim_step equal step\n")
	for k, o := range t.c.Outlets {
		name := fmt.Sprintf("outlet_%d", k)
		if _, err := t.region(name, o.Region); err != nil {
			return fmt.Errorf("solvers/liggghts: case %s: outlet %s: %w", t.c.Name, outletName(o, k), err)
		}
		t.printf("variable %s_n equal count(all,%s)\n", name, name)
		t.printf("variable %s_m equal mass(all,%s)\n", name, name)
	}
	return nil
}

// outletCommands returns the commands of one outlet check: for each
// outlet in case order, print what lies in its region and delete it.
func (t *translator) outletCommands() []string {
	var cmds []string
	for k := range t.c.Outlets {
		name := fmt.Sprintf("outlet_%d", k)
		cmds = append(cmds,
			fmt.Sprintf("print '%s ${neusim_step} %d ${%s_n} ${%s_m}'", OutletMarker, k, name, name),
			fmt.Sprintf("delete_atoms region %s compress no", name))
	}
	return cmds
}

// runs writes the run commands: the run is split at wall removal steps,
// and with outlets it stops every OutletInterval steps to delete the
// particles inside them.
func (t *translator) runs() error {
	cmds := t.outletCommands()
	for _, c := range cmds {
		t.printf("%s\n", c)
	}

	stops := []int64{t.steps}
	for step := range t.removals {
		if step > 0 {
			stops = append(stops, step)
		}
	}
	slices.Sort(stops)
	stops = slices.Compact(stops)

	var at int64
	for _, stop := range stops {
		t.runSegment(stop-at, cmds)
		at = stop
		for _, id := range t.removals[stop] {
			t.printf("unfix %s\n", id)
		}
		t.removeMeshes(stop)
	}
	return nil
}

// runSegment runs n steps, checking the outlets every OutletInterval.
func (t *translator) runSegment(n int64, cmds []string) {
	if n <= 0 {
		return
	}
	if len(cmds) == 0 {
		t.printf("run %d\n", n)
		return
	}
	every := int64(t.opt.OutletInterval)
	quoted := make([]string, len(cmds))
	for i, c := range cmds {
		quoted[i] = `"` + c + `"`
	}
	if whole := n / every * every; whole > 0 {
		t.printf("run %d post no every %d %s\n", whole, every, strings.Join(quoted, " "))
	}
	if rest := n % every; rest > 0 {
		t.printf("run %d post no\n", rest)
		for _, c := range cmds {
			t.printf("%s\n", c)
		}
	}
}

func outletName(o cases.Outlet, k int) string {
	if o.Name != "" {
		return o.Name
	}
	return fmt.Sprintf("#%d", k)
}
