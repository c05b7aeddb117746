// Package buildversion reports the version of neusim a binary was built
// from, the same way for the neusim command and for solver plugins, so
// that "neusim solvers" shows one version for a built-in solver and the
// plugin built from the same checkout.
package buildversion

import "runtime/debug"

// Module is the path of the neusim module.
const Module = "github.com/neusim/neusim"

// String returns the neusim version of the running binary: the module's
// version when it was built from a tagged module (as the main module or
// as a dependency of a plugin's own module), "devel-REV" with the first
// 12 digits of the commit (and "-dirty" for uncommitted changes) for a
// build inside a checkout, or "devel" when the build carries neither.
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
