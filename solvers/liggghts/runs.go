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
			return fmt.Errorf("liggghts: case %s: outlet %s: %w", t.c.Name, outletName(o, k), err)
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
		t.runSegment(at, stop, cmds)
		at = stop
		for _, id := range t.removals[stop] {
			t.printf("unfix %s\n", id)
		}
		t.removeMeshes(stop)
	}
	return nil
}

// runSegment runs from step from to step to, checking the outlets at
// every multiple of OutletInterval, so that the checks fall on the same
// steps however the run is split.
func (t *translator) runSegment(from, to int64, cmds []string) {
	if to <= from {
		return
	}
	if len(cmds) == 0 {
		t.printf("run %d\n", to-from)
		return
	}
	every := int64(t.opt.OutletInterval)
	quoted := make([]string, len(cmds))
	for i, c := range cmds {
		quoted[i] = `"` + c + `"`
	}

	// Up to the next multiple of the interval.
	if next := min(to, (from/every+1)*every); from%every != 0 {
		t.printf("run %d post no\n", next-from)
		if next%every == 0 {
			t.printf("%s\n", strings.Join(cmds, "\n"))
		}
		from = next
	}

	// Whole intervals, then the rest.
	if whole := (to - from) / every * every; whole > 0 {
		t.printf("run %d post no every %d %s\n", whole, every, strings.Join(quoted, " "))
		from += whole
	}
	if from < to {
		t.printf("run %d post no\n", to-from)
	}
}

func outletName(o cases.Outlet, k int) string {
	if o.Name != "" {
		return o.Name
	}
	return fmt.Sprintf("#%d", k)
}
