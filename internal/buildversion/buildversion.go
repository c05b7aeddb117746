// Package buildversion reports the version of neusim a binary was built
// from. The neusim command, solver plugins and checkpoints all use it, so
// a built-in solver and a plugin built from the same checkout show the
// same version in "neusim solvers".
package buildversion

import "runtime/debug"

// Module is the path of the neusim module.
const Module = "github.com/neusim/neusim"

// String returns the neusim version of the running binary. A build from
// a tagged module, as the main module or as a dependency of a plugin's
// module, gives the module version. A build inside a checkout gives
// "devel-REV", REV being the first 12 digits of the commit, with
// "-dirty" for uncommitted changes. A build with neither gives "devel".
func String() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if info.Main.Path != Module {
		for _, d := range info.Deps {
			if d.Path == Module && d.Version != "" && d.Version != "(devel)" {
				return d.Version
			}
		}
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel-" + rev
}
