package plugin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// pluginDir holds the plugin executables built by TestMain.
var pluginDir string

// misbehaviours are the modes of testdata/misbehave, each built as
// neusim-solver-MODE.
var misbehaviours = []string{"crash", "exit", "hang", "nan", "garbage", "dupid", "fail", "oldproto", "slow", "big"}

func TestMain(m *testing.M) {
	code, err := buildAndRun(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "solvers/plugin tests:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// buildAndRun builds the DEM plugin and the misbehaving test plugin into a
// temporary folder, using the shared build cache, then runs the tests.
func buildAndRun(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "neusim-plugin-test-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	pluginDir = dir

	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	build := func(out, pkg string) error {
		cmd := exec.Command(goTool, "build", "-o", out, pkg)
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
		}
		return nil
	}
	if err := build(filepath.Join(dir, Prefix+"dem"), "github.com/neusim/neusim/cmd/neusim-solver-dem"); err != nil {
		return 0, err
	}
	bad := filepath.Join(dir, "misbehave")
	if err := build(bad, "./testdata/misbehave"); err != nil {
		return 0, err
	}
	for _, mode := range misbehaviours {
		if err := os.Link(bad, filepath.Join(dir, Prefix+mode)); err != nil {
			return 0, err
		}
	}
	return m.Run(), nil
}

// pluginPath returns the executable of the test plugin name.
func pluginPath(name string) string { return filepath.Join(pluginDir, Prefix+name) }
