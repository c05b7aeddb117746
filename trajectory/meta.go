package trajectory

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/neusim/neusim/cases"
)

// FormatVersion is the version of the trajectory layout written by this
// package. Readers reject files with a larger version.
const FormatVersion = 1

// Column names.
const (
	ColID       = "id"
	ColPosition = "position"
	ColVelocity = "velocity"
	ColOmega    = "angular_velocity"
	ColRadius   = "radius"
	ColMass     = "mass"
	ColMaterial = "material"
	ColEntity   = "entity"
)

// Schema metadata keys.
const (
	keyFormat     = "neusim.format_version"
	keyCase       = "neusim.case"
	keyCaseSource = "neusim.case_source"
	keyParams     = "neusim.parameters"
	keyParamUnits = "neusim.parameter_units"
	keyUnits      = "neusim.units"
	keySolver     = "neusim.solver"
	keyVersion    = "neusim.version"
	keyOutlets    = "neusim.outlets"
	keyExtra      = "neusim.extra."
)

// Record batch metadata keys.
const (
	keyStep        = "neusim.step"
	keyTime        = "neusim.time"
	keyOutletCount = "neusim.outlet_count"
	keyOutletMass  = "neusim.outlet_mass"
)

// Units maps every column and frame scalar of a trajectory to its SI unit
// ("1" for dimensionless numbers and indices).
var Units = map[string]string{
	ColID:          "1",
	ColPosition:    "m",
	ColVelocity:    "m/s",
	ColOmega:       "rad/s",
	ColRadius:      "m",
	ColMass:        "kg",
	ColMaterial:    "1",
	ColEntity:      "1",
	"step":         "1",
	"time":         "s",
	"outlet_count": "1",
	"outlet_mass":  "kg",
}

// Meta describes where a trajectory comes from. It is stored in the
// schema metadata.
type Meta struct {
	Case       string // case name
	CaseSource string // file the case was read from, or "embedded:NAME.yaml"

	// Parameters holds the value of every design parameter, each in the
	// unit given by ParameterUnits.
	Parameters     map[string]float64
	ParameterUnits map[string]string

	Solver  string   // name of the solver or surrogate that produced the frames
	Version string   // neusim version that wrote the file
	Outlets []string // outlet names, in the order of Frame.OutletCount

	// Extra holds further key-value pairs, stored under the
	// "neusim.extra." prefix.
	Extra map[string]string

	// Format is the format version of a file that was read. The writer
	// ignores it and writes FormatVersion.
	Format int
}

// MetaFromCase fills a Meta from a resolved case, the solver name and
// the neusim version.
func MetaFromCase(c *cases.Case, solver, version string) Meta {
	m := Meta{
		Case:           c.Name,
		CaseSource:     c.Source,
		Parameters:     make(map[string]float64, len(c.Values)),
		ParameterUnits: make(map[string]string, len(c.Parameters)),
		Solver:         solver,
		Version:        version,
	}
	for k, v := range c.Values {
		m.Parameters[k] = v
	}
	for _, p := range c.Parameters {
		m.ParameterUnits[p.Name] = p.Unit
	}
	for _, o := range c.Outlets {
		m.Outlets = append(m.Outlets, o.Name)
	}
	return m
}

// encode returns the schema metadata for m.
func (m Meta) encode() (arrow.Metadata, error) {
	params, err := json.Marshal(nonNilFloats(m.Parameters))
	if err != nil {
		return arrow.Metadata{}, fmt.Errorf("trajectory: parameter values: %w (values must be finite)", err)
	}
	paramUnits, _ := json.Marshal(nonNilStrings(m.ParameterUnits))
	units, _ := json.Marshal(Units)
	outlets := m.Outlets
	if outlets == nil {
		outlets = []string{}
	}
	outletJSON, _ := json.Marshal(outlets)

	kv := map[string]string{
		keyFormat:     strconv.Itoa(FormatVersion),
		keyCase:       m.Case,
		keyCaseSource: m.CaseSource,
		keyParams:     string(params),
		keyParamUnits: string(paramUnits),
		keyUnits:      string(units),
		keySolver:     m.Solver,
		keyVersion:    m.Version,
		keyOutlets:    string(outletJSON),
	}
	for k, v := range m.Extra {
		kv[keyExtra+k] = v
	}
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = kv[k]
	}
	return arrow.NewMetadata(keys, vals), nil
}

// decodeMeta parses schema metadata. Keys this version does not know are
// ignored, so that older readers open files with added keys.
func decodeMeta(md arrow.Metadata) (Meta, error) {
	var m Meta
	get := func(k string) (string, bool) {
		i := md.FindKey(k)
		if i < 0 {
			return "", false
		}
		return md.Values()[i], true
	}

	v, ok := get(keyFormat)
	if !ok {
		return m, fmt.Errorf("schema metadata has no %s key: not a neusim trajectory", keyFormat)
	}
	f, err := strconv.Atoi(v)
	if err != nil || f < 1 {
		return m, fmt.Errorf("schema metadata %s = %q: want a positive integer", keyFormat, v)
	}
	if f > FormatVersion {
		return m, fmt.Errorf("format version %d is newer than this neusim reads (%d): update neusim", f, FormatVersion)
	}
	m.Format = f

	m.Case, _ = get(keyCase)
	m.CaseSource, _ = get(keyCaseSource)
	m.Solver, _ = get(keySolver)
	m.Version, _ = get(keyVersion)
	for _, j := range []struct {
		key string
		dst any
	}{
		{keyParams, &m.Parameters},
		{keyParamUnits, &m.ParameterUnits},
		{keyOutlets, &m.Outlets},
	} {
		s, ok := get(j.key)
		if !ok {
			continue
		}
		if err := json.Unmarshal([]byte(s), j.dst); err != nil {
			return m, fmt.Errorf("schema metadata %s: invalid JSON: %w", j.key, err)
		}
	}
	for i, k := range md.Keys() {
		if name, ok := strings.CutPrefix(k, keyExtra); ok {
			if m.Extra == nil {
				m.Extra = make(map[string]string)
			}
			m.Extra[name] = md.Values()[i]
		}
	}
	return m, nil
}

func nonNilFloats(m map[string]float64) map[string]float64 {
	if m == nil {
		return map[string]float64{}
	}
	return m
}

func nonNilStrings(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// schemaFor returns the trajectory schema, with an entity column when
// withEntity is true.
func schemaFor(withEntity bool, md arrow.Metadata) *arrow.Schema {
	vec := arrow.FixedSizeListOfNonNullable(3, arrow.PrimitiveTypes.Float64)
	fields := []arrow.Field{
		{Name: ColID, Type: arrow.PrimitiveTypes.Int64},
		{Name: ColPosition, Type: vec},
		{Name: ColVelocity, Type: vec},
		{Name: ColOmega, Type: vec},
		{Name: ColRadius, Type: arrow.PrimitiveTypes.Float64},
		{Name: ColMass, Type: arrow.PrimitiveTypes.Float64},
		{Name: ColMaterial, Type: arrow.PrimitiveTypes.Int32},
	}
	if withEntity {
		fields = append(fields, arrow.Field{Name: ColEntity, Type: arrow.PrimitiveTypes.Int32})
	}
	return arrow.NewSchema(fields, &md)
}
