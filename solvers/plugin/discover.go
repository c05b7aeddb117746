package plugin

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Prefix starts the file name of every solver plugin: the plugin of
// solver NAME is the executable neusim-solver-NAME.
const Prefix = "neusim-solver-"

// PathEnv is the environment variable that lists plugin folders,
// separated by the system's list separator (':' on Unix).
const PathEnv = "NEUSIM_PLUGIN_PATH"

// SearchPath returns the folders searched for plugins, in order of
// precedence: dirs (from --plugin-dir), the folders of $NEUSIM_PLUGIN_PATH,
// the default folder ($XDG_DATA_HOME/neusim/plugins, or
// ~/.local/share/neusim/plugins when XDG_DATA_HOME is unset), and the
// folder of the running executable, so that plugins installed next to
// neusim (go install ./cmd/...) are found. Empty entries and repeats are
// dropped.
func SearchPath(dirs []string) []string {
	var all []string
	all = append(all, dirs...)
	all = append(all, filepath.SplitList(os.Getenv(PathEnv))...)
	if d := DefaultDir(); d != "" {
		all = append(all, d)
	}
	if exe, err := os.Executable(); err == nil {
		all = append(all, filepath.Dir(exe))
	}

	seen := map[string]bool{}
	var out []string
	for _, d := range all {
		if d == "" {
			continue
		}
		d = filepath.Clean(d)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// DefaultDir returns $XDG_DATA_HOME/neusim/plugins, or
// ~/.local/share/neusim/plugins when XDG_DATA_HOME is unset, or "" when
// neither can be determined.
func DefaultDir() string {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "neusim", "plugins")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".local", "share", "neusim", "plugins")
}

// Found is one discovered plugin executable.
type Found struct {
	Name string // solver name, the file name without Prefix
	Path string // absolute path of the executable

	// Shadowed lists the paths of plugins with the same name later on the
	// search path, which Discover ignores.
	Shadowed []string
}

// Discover lists the plugins in dirs, sorted by name. A plugin name found
// in several folders is taken from the first. Missing folders are skipped;
// other errors reading a folder are returned with the plugins found in
// the other folders. Files that are not executable regular files (after
// following symbolic links) are ignored.
func Discover(dirs []string) ([]Found, error) {
	byName := map[string]*Found{}
	var errs []error
	for _, dir := range dirs {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("plugin folder %s: %w", dir, err))
			continue
		}
		for _, e := range entries {
			name, ok := strings.CutPrefix(e.Name(), Prefix)
			if !ok || name == "" || !isExecutable(filepath.Join(dir, e.Name())) {
				continue
			}
			path, err := filepath.Abs(filepath.Join(dir, e.Name()))
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if f, dup := byName[name]; dup {
				f.Shadowed = append(f.Shadowed, path)
				continue
			}
			byName[name] = &Found{Name: name, Path: path}
		}
	}

	out := make([]Found, 0, len(byName))
	for _, f := range byName {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, errors.Join(errs...)
}

// Lookup returns the plugin called name on dirs. The error lists the
// folders searched and the plugins found there.
func Lookup(name string, dirs []string) (Found, error) {
	found, err := Discover(dirs)
	for _, f := range found {
		if f.Name == name {
			return f, nil
		}
	}
	names := make([]string, len(found))
	for i, f := range found {
		names[i] = f.Name
	}
	for _, dir := range dirs {
		path := filepath.Join(dir, Prefix+name)
		if st, serr := os.Stat(path); serr == nil && st.Mode().IsRegular() && !isExecutable(path) {
			return Found{}, fmt.Errorf("solver plugin %s: %s exists but is not executable; make it so with chmod +x %s", name, path, path)
		}
	}
	msg := fmt.Sprintf("no solver plugin %s: no executable %s%s in %s", name, Prefix, name, strings.Join(dirs, ", "))
	if len(names) > 0 {
		msg += fmt.Sprintf(" (plugins found: %s)", strings.Join(names, ", "))
	}
	msg += fmt.Sprintf("; add its folder with --plugin-dir or %s", PathEnv)
	if err != nil {
		return Found{}, fmt.Errorf("%s: %w", msg, err)
	}
	return Found{}, errors.New(msg)
}

// isExecutable reports whether path is a regular file with an execute
// permission bit set.
func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}
