package plugin

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/dem"
	"github.com/neusim/neusim/solvers/plugin/internal/wire"
)

// collect returns a sink that keeps a copy of every frame.
func collect(frames *[]*particles.Frame) solvers.Sink {
	return solvers.SinkFunc(func(f *particles.Frame) error {
		*frames = append(*frames, f.Clone())
		return nil
	})
}

// stubCase is a case with one material and no outlets, enough for the
// frames of the misbehaving plugins to pass the checks.
func stubCase() *cases.Case {
	return &cases.Case{Name: "stub", Materials: []cases.Material{{Name: "glass", Density: 2500}},
		Solver: cases.SolverSettings{Duration: 1, OutputInterval: 0.1}}
}

// The DEM plugin runs the same code as the in-process solver on the same
// case, and Arrow carries float64 values unchanged. So every frame must be
// equal bit for bit, even though the plugin uses every core and the
// in-process run uses one worker.
func TestDEMPluginBitIdentical(t *testing.T) {
	c, err := cases.Load("testdata/small_hopper.yaml", cases.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var want, got []*particles.Frame
	if err := dem.New(dem.Options{Workers: 1}).Run(context.Background(), c, collect(&want), nil); err != nil {
		t.Fatalf("in-process DEM: %v", err)
	}
	var progressCalls int
	s := New("dem", pluginPath("dem"), Options{})
	err = s.Run(context.Background(), c, collect(&got), func(solvers.Progress) { progressCalls++ })
	if err != nil {
		t.Fatalf("DEM plugin: %v", err)
	}

	if len(got) != len(want) {
		t.Fatalf("plugin sent %d frames, in-process run %d", len(got), len(want))
	}
	if n := want[len(want)-1].OutletCount[0]; n == 0 {
		t.Errorf("no bead left through the outlet by %g s, so the comparison misses the outlet counters", c.Solver.Duration)
	}
	for i := range want {
		if d := frameDifference(got[i], want[i]); d != "" {
			t.Errorf("frame %d (t = %g s): %s", i, want[i].Time, d)
		}
	}
	if progressCalls == 0 {
		t.Error("the progress function was never called")
	}
}

// frameDifference describes the first difference between two frames, bit
// for bit, or returns "".
func frameDifference(a, b *particles.Frame) string {
	same := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
	if a.Step != b.Step || !same(a.Time, b.Time) || a.Len() != b.Len() {
		return "step, time or particle count differ"
	}
	if !slices.Equal(a.OutletCount, b.OutletCount) || !slices.EqualFunc(a.OutletMass, b.OutletMass, same) {
		return "outlet counters differ"
	}
	for i := range a.ID {
		switch {
		case a.ID[i] != b.ID[i] || a.Material[i] != b.Material[i]:
			return "ids or materials differ"
		case !same(a.Radius[i], b.Radius[i]) || !same(a.Mass[i], b.Mass[i]):
			return "radius or mass differ"
		}
		for k, v := range [][2][3]float64{
			{{a.Pos[i].X, a.Pos[i].Y, a.Pos[i].Z}, {b.Pos[i].X, b.Pos[i].Y, b.Pos[i].Z}},
			{{a.Vel[i].X, a.Vel[i].Y, a.Vel[i].Z}, {b.Vel[i].X, b.Vel[i].Y, b.Vel[i].Z}},
			{{a.Omega[i].X, a.Omega[i].Y, a.Omega[i].Z}, {b.Omega[i].X, b.Omega[i].Y, b.Omega[i].Z}},
		} {
			for j := range 3 {
				if !same(v[0][j], v[1][j]) {
					return []string{"position", "velocity", "angular velocity"}[k] + " differs"
				}
			}
		}
	}
	return ""
}

func TestDescribeDEMPlugin(t *testing.T) {
	info, err := New("dem", pluginPath("dem"), Options{}).Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "dem" {
		t.Errorf("name = %q, want dem", info.Name)
	}
	if !slices.Contains(info.Features, "wall:cone") {
		t.Errorf("features %v lack wall:cone", info.Features)
	}
	if info.NeusimVersion == "" {
		t.Error("the plugin reports no neusim version")
	}
}

// A failing plugin must give an *Error of the right kind that names the
// plugin, keep the frames sent before the failure, and leave the host
// running.
func TestMisbehavingPlugins(t *testing.T) {
	for _, tc := range []struct {
		mode   string
		kind   error
		frames int    // frames that reach the sink before the failure
		detail string // in the error message
	}{
		{"crash", ErrCrashed, 1, "deliberate crash"}, // from the panic on stderr
		{"exit", ErrStart, 0, "exiting before the handshake"},
		{"hang", ErrTimeout, 1, "inactivity timeout"},
		{"nan", ErrMalformedFrame, 0, "position"},
		{"garbage", ErrMalformedFrame, 0, "Arrow"},
		{"dupid", ErrMalformedFrame, 0, "appears twice"},
		{"fail", ErrSolver, 0, "cones are not supported"},
		{"oldproto", ErrStart, 0, "protocol version"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			var frames []*particles.Frame
			s := New(tc.mode, pluginPath(tc.mode), Options{Timeout: time.Second, StartTimeout: 20 * time.Second})
			err := s.Run(context.Background(), stubCase(), collect(&frames), nil)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error = %v, want kind %v", err, tc.kind)
			}
			var pe *Error
			if !errors.As(err, &pe) || pe.Plugin != tc.mode {
				t.Errorf("error %v does not name plugin %s", err, tc.mode)
			}
			if !strings.Contains(err.Error(), tc.detail) {
				t.Errorf("error = %v, want it to mention %q", err, tc.detail)
			}
			if len(frames) != tc.frames {
				t.Errorf("%d frames reached the sink, want %d", len(frames), tc.frames)
			}
		})
	}
}

// A frame above gRPC's default 4 MB message limit must still arrive.
func TestRunLargeFrame(t *testing.T) {
	var frames []*particles.Frame
	if err := New("big", pluginPath("big"), Options{}).Run(context.Background(), stubCase(), collect(&frames), nil); err != nil {
		t.Fatal(err)
	}
	if len(frames) != 1 || frames[0].Len() != 60000 {
		t.Fatalf("got %d frames, want one of 60000 particles", len(frames))
	}
	if x := frames[0].Pos[59999].X; x != 59.999 {
		t.Errorf("last particle at x = %v m, want 59.999 m", x)
	}
}

func TestRunCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n int
	sink := solvers.SinkFunc(func(*particles.Frame) error {
		if n++; n == 3 {
			cancel()
		}
		return nil
	})
	err := New("slow", pluginPath("slow"), Options{}).Run(ctx, stubCase(), sink, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// An error from the sink stops the run and is returned as it is.
func TestRunSinkError(t *testing.T) {
	stop := errors.New("disk full")
	sink := solvers.SinkFunc(func(*particles.Frame) error { return stop })
	err := New("slow", pluginPath("slow"), Options{}).Run(context.Background(), stubCase(), sink, nil)
	if !errors.Is(err, stop) {
		t.Errorf("error = %v, want the sink's error", err)
	}
}

func TestStderrLogLines(t *testing.T) {
	var out outputTail
	var logged []string
	h := &recordHandler{lines: &logged}
	w := out.writer(slog.New(h), "p", "stderr")
	for _, s := range []string{"first li", "ne\nsecond\r\n", "\n", "third"} {
		if _, err := w.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"first line", "second"}
	if !slices.Equal(logged, want) {
		t.Errorf("logged %q, want %q (the unfinished third line waits for its newline)", logged, want)
	}
	if got := out.lines(); !slices.Equal(got, want) {
		t.Errorf("kept %q, want %q", got, want)
	}
}

// recordHandler keeps the "line" attribute of every record.
type recordHandler struct{ lines *[]string }

func (h *recordHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "line" {
			*h.lines = append(*h.lines, a.Value.String())
		}
		return true
	})
	return nil
}
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordHandler) WithGroup(string) slog.Handler      { return h }

// Time spent in the sink is the host's, so a sink slower than the
// inactivity timeout must not make the plugin look hung.
func TestSlowSinkIsNotATimeout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var n int
	sink := solvers.SinkFunc(func(*particles.Frame) error {
		time.Sleep(300 * time.Millisecond)
		if n++; n == 3 {
			cancel()
		}
		return nil
	})
	err := New("slow", pluginPath("slow"), Options{Timeout: 100 * time.Millisecond}).Run(ctx, stubCase(), sink, nil)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
}

// A plugin whose host dies without killing it (here a shell that starts it,
// waits until it runs and exits) must exit by itself instead of serving
// forever.
func TestPluginExitsWithHost(t *testing.T) {
	cookie := wire.Handshake.MagicCookieKey + "=" + wire.Handshake.MagicCookieValue
	script := "env " + cookie + " PLUGIN_UNIX_SOCKET_DIR=" + t.TempDir() + " " + pluginPath("dem") + " >/dev/null 2>&1 </dev/null & echo $!; sleep 2"
	out, err := exec.Command("sh", "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		t.Fatalf("shell printed %q, want the plugin's process id", out)
	}
	proc, err := os.FindProcess(pid)
	if err != nil {
		t.Fatal(err)
	}
	defer proc.Kill()

	// The plugin checks its parent once a second; 20 s leaves room for a
	// loaded machine.
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if !running(proc) {
			return
		}
	}
	t.Errorf("plugin process %d still runs 20 s after its host exited", pid)
}

// running reports whether proc has not exited. An exited process that its
// new parent has not reaped yet is a zombie, which still takes signals, so
// its state in /proc is checked too (on Linux).
func running(proc *os.Process) bool {
	if proc.Signal(syscall.Signal(0)) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(proc.Pid) + "/stat")
	if err != nil {
		return true
	}
	// The state follows the parenthesised command name: "pid (comm) S ...".
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}
