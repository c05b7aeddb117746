package plugin

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/plugin/internal/solverpb"
	"github.com/neusim/neusim/solvers/plugin/internal/wire"
	"github.com/neusim/neusim/trajectory"
)

// Default timeouts.
const (
	DefaultStartTimeout = time.Minute
	DefaultTimeout      = 5 * time.Minute
)

// Options configures a plugin solver. The zero value works.
type Options struct {
	// StartTimeout bounds the start of the plugin process, from exec to
	// the end of the go-plugin handshake, and the Describe call. Default
	// DefaultStartTimeout.
	StartTimeout time.Duration

	// Timeout is the inactivity timeout of a run: a plugin that sends
	// neither a frame nor progress for this long is considered hung and
	// killed. Default DefaultTimeout.
	Timeout time.Duration

	// Logger receives the plugin's standard error and output, line by
	// line, with the plugin's name. Default: a logger that discards.
	Logger *slog.Logger
}

// Solver runs a solver plugin. It implements solvers.Solver. Each Run and
// Describe starts its own plugin process and kills it before returning,
// so a plugin that crashed does not affect the next run. A Solver is safe
// for concurrent use.
type Solver struct {
	name, path string
	opt        Options
}

// New returns the solver of the plugin executable at path, named name.
func New(name, path string, opt Options) *Solver {
	if opt.StartTimeout <= 0 {
		opt.StartTimeout = DefaultStartTimeout
	}
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Solver{name: name, path: path, opt: opt}
}

// Name returns the solver's name.
func (s *Solver) Name() string { return s.name }

// Path returns the plugin executable.
func (s *Solver) Path() string { return s.path }

// Info describes a plugin, as returned by its Describe call.
type Info struct {
	Name          string
	Version       string
	Description   string
	Features      []string
	NeusimVersion string // neusim version the plugin was built with
}

// conn is one started plugin process.
type conn struct {
	client *goplugin.Client
	cmd    *exec.Cmd
	solver solverpb.SolverClient
	output *outputTail
	socket string // folder of the plugin's Unix socket
}

// close kills the plugin process and removes its socket folder, which a
// crashed or killed plugin leaves behind.
func (cn *conn) close() {
	cn.client.Kill()
	os.RemoveAll(cn.socket)
}

// start launches the plugin process and completes the handshake.
func (s *Solver) start() (*conn, error) {
	out := &outputTail{}
	socket, err := os.MkdirTemp("", "neusim-plugin-")
	if err != nil {
		return nil, &Error{Plugin: s.name, Path: s.path, Kind: ErrStart, Detail: err.Error()}
	}
	cmd := exec.Command(s.path)
	// go-plugin appends the host's environment to cmd.Env.
	cmd.Env = []string{"PLUGIN_UNIX_SOCKET_DIR=" + socket}
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  wire.Handshake,
		Plugins:          goplugin.PluginSet{wire.PluginKey: &wire.GRPCPlugin{}},
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		StartTimeout:     s.opt.StartTimeout,
		Logger:           hclog.NewNullLogger(),
		Stderr:           out.writer(s.opt.Logger, s.name, "stderr"),
		SyncStderr:       out.writer(s.opt.Logger, s.name, "stderr"),
		SyncStdout:       out.writer(s.opt.Logger, s.name, "stdout"),
		GRPCDialOptions: []grpc.DialOption{
			// A frame takes about 100 bytes per particle, so gRPC's
			// default 4 MB limit would stop cases above about 40 000
			// particles.
			grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(math.MaxInt32)),
		},
	})
	fail := func(format string, args ...any) (*conn, error) {
		client.Kill()
		os.RemoveAll(socket)
		return nil, &Error{Plugin: s.name, Path: s.path, Kind: ErrStart, Detail: fmt.Sprintf(format, args...), Stderr: out.lines()}
	}

	rpc, err := client.Client()
	if err != nil {
		msg := err.Error()
		if strings.Contains(strings.ToLower(msg), "incompatible api version") {
			return fail("protocol version mismatch: this neusim speaks solver plugin protocol %d (%v); rebuild the plugin with the solvers/plugin/sdk package of this neusim", wire.ProtocolVersion, err)
		}
		return fail("%v (check that %s is a neusim solver plugin built with solvers/plugin/sdk)", err, s.path)
	}
	raw, err := rpc.Dispense(wire.PluginKey)
	if err != nil {
		return fail("%v", err)
	}
	sc, ok := raw.(solverpb.SolverClient)
	if !ok {
		return fail("dispensed %T, want a solver client", raw)
	}
	return &conn{client: client, cmd: cmd, solver: sc, output: out, socket: socket}, nil
}

// Describe starts the plugin and returns its Info.
func (s *Solver) Describe(ctx context.Context) (Info, error) {
	cn, err := s.start()
	if err != nil {
		return Info{}, err
	}
	defer cn.close()
	ctx, cancel := context.WithTimeout(ctx, s.opt.StartTimeout)
	defer cancel()
	in, err := cn.solver.Describe(ctx, &solverpb.DescribeRequest{})
	if err != nil {
		return Info{}, s.callError(cn, err, false)
	}
	return Info{Name: in.Name, Version: in.Version, Description: in.Description, Features: in.Features, NeusimVersion: in.NeusimVersion}, nil
}

// Run starts the plugin, sends it c and passes the frames it streams back
// to sink after checking each one. The plugin process is killed when Run
// returns. When the plugin crashes, hangs past Options.Timeout, fails or
// sends a malformed frame, Run returns an *Error naming it. The frames
// already passed to sink stay with the sink. Cancelling ctx
// cancels the plugin's run, and Run returns ctx.Err().
func (s *Solver) Run(ctx context.Context, c *cases.Case, sink solvers.Sink, progress solvers.ProgressFunc) error {
	data, err := wire.EncodeCase(c)
	if err != nil {
		return fmt.Errorf("solver plugin %s: %w", s.name, err)
	}
	cn, err := s.start()
	if err != nil {
		return err
	}
	defer cn.close()

	// The watchdog cancels the call when the plugin stays silent for the
	// inactivity timeout.
	callCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var timedOut atomic.Bool
	watchdog := time.AfterFunc(s.opt.Timeout, func() {
		timedOut.Store(true)
		cancel()
	})
	defer watchdog.Stop()

	stream, err := cn.solver.Run(callCtx, &solverpb.RunRequest{CaseJson: data})
	if err != nil {
		return s.runError(ctx, cn, err, timedOut.Load())
	}
	checker := frameChecker{c: c}
	for n := 0; ; n++ {
		ev, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return s.runError(ctx, cn, err, timedOut.Load())
		}
		// The watchdog pauses while the sink works, so a slow sink does not
		// count against the plugin.
		if !watchdog.Stop() {
			// The timer fired between Recv returning and Stop.
			return s.runError(ctx, cn, context.Canceled, true)
		}

		switch e := ev.Event.(type) {
		case *solverpb.RunEvent_Frame:
			f, err := trajectory.DecodeFrame(e.Frame)
			if err == nil {
				err = checker.check(f)
			}
			if err != nil {
				return &Error{Plugin: s.name, Path: s.path, Kind: ErrMalformedFrame,
					Detail: fmt.Sprintf("frame %d (message %d of the run): %v", checker.frames, n, err), Stderr: cn.output.lines()}
			}
			if err := sink.WriteFrame(f); err != nil {
				return err
			}
		case *solverpb.RunEvent_Progress:
			if progress != nil {
				p := e.Progress
				progress(solvers.Progress{Step: p.Step, Steps: p.Steps, Time: p.Time, Duration: p.Duration,
					Particles: int(p.Particles), Elapsed: time.Duration(p.ElapsedNs)})
			}
		default:
			return &Error{Plugin: s.name, Path: s.path, Kind: ErrMalformedFrame,
				Detail: fmt.Sprintf("message %d of the run holds neither a frame nor progress (a newer protocol?)", n)}
		}
		watchdog.Reset(s.opt.Timeout)
	}
}

// runError turns the error of a Run call into the error Run returns.
func (s *Solver) runError(ctx context.Context, cn *conn, err error, timedOut bool) error {
	if timedOut {
		cn.client.Kill()
		return &Error{Plugin: s.name, Path: s.path, Kind: ErrTimeout,
			Detail: fmt.Sprintf("sent neither a frame nor progress for %v (the inactivity timeout, --plugin-timeout); it was killed", s.opt.Timeout),
			Stderr: cn.output.lines()}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return s.callError(cn, err, true)
}

// callError classifies the failure of a call: the process died, or the
// solver inside it returned an error.
func (s *Solver) callError(cn *conn, err error, running bool) error {
	st, _ := status.FromError(err)
	// A dying process closes its connection a moment before go-plugin
	// reports that it exited.
	if st.Code() == codes.Unavailable || st.Code() == codes.Canceled {
		deadline := time.Now().Add(2 * time.Second)
		for !cn.client.Exited() && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if cn.client.Exited() {
		state := "exited"
		if ps := cn.cmd.ProcessState; ps != nil {
			state = ps.String() // "exit status 2", "signal: killed"
		}
		call := "during Describe"
		if running {
			call = "during the run"
		}
		return &Error{Plugin: s.name, Path: s.path, Kind: ErrCrashed,
			Detail: fmt.Sprintf("the process ended %s (%s)", call, state), Stderr: cn.output.lines()}
	}
	msg := st.Message()
	if st.Code() != codes.Unknown && st.Code() != codes.InvalidArgument {
		msg = fmt.Sprintf("%s (gRPC status %s)", msg, st.Code())
	}
	return &Error{Plugin: s.name, Path: s.path, Kind: ErrSolver, Detail: msg}
}
