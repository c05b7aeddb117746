package vtk

import (
	"bufio"
	"fmt"
	"html"
	"strconv"
	"time"
)

// Collection is a ParaView data collection (.pvd): a list of data files,
// each with its simulated time, that ParaView opens as one time series.
//
// Add rewrites the .pvd through a temporary file and a rename, so a killed
// run leaves a valid collection. Beyond rewriteAlways entries, rewrites
// happen at most once per second, to keep the cost linear in the number
// of frames; Close writes the final list.
type Collection struct {
	path     string
	comment  string
	entries  []pvdEntry
	lastSave time.Time
	dirty    bool
}

type pvdEntry struct {
	time float64 // s
	file string  // relative to the .pvd
}

// rewriteAlways is the number of entries up to which every Add rewrites
// the file.
const rewriteAlways = 1000

// NewCollection starts an empty collection at path. comment is written
// into the file as an XML comment, such as the unit system.
func NewCollection(path, comment string) (*Collection, error) {
	c := &Collection{path: path, comment: comment}
	return c, c.save()
}

// SetComment replaces the comment; the file shows it from the next write.
func (c *Collection) SetComment(comment string) {
	c.comment = comment
	c.dirty = true
}

// Add appends a data file, given relative to the .pvd's directory, at
// simulated time t (s).
func (c *Collection) Add(t float64, file string) error {
	c.entries = append(c.entries, pvdEntry{time: t, file: file})
	c.dirty = true
	if len(c.entries) <= rewriteAlways || time.Since(c.lastSave) >= time.Second {
		return c.save()
	}
	return nil
}

// Len returns the number of entries.
func (c *Collection) Len() int { return len(c.entries) }

// Close writes the collection if entries were added since the last write.
func (c *Collection) Close() error {
	if !c.dirty {
		return nil
	}
	return c.save()
}

func (c *Collection) save() error {
	err := writeAtomic(c.path, func(w *bufio.Writer) error {
		fmt.Fprintf(w, "<?xml version=\"1.0\"?>\n")
		if c.comment != "" {
			fmt.Fprintf(w, "<!-- %s -->\n", xmlComment(c.comment))
		}
		fmt.Fprintf(w, "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=%q>\n  <Collection>\n", byteOrder)
		for _, e := range c.entries {
			fmt.Fprintf(w, "    <DataSet timestep=\"%s\" group=\"\" part=\"0\" file=\"%s\"/>\n",
				strconv.FormatFloat(e.time, 'g', -1, 64), html.EscapeString(e.file))
		}
		_, err := fmt.Fprintf(w, "  </Collection>\n</VTKFile>\n")
		return err
	})
	if err == nil {
		c.lastSave = time.Now()
		c.dirty = false
	}
	return err
}
