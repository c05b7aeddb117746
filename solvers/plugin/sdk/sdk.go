package sdk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/neusim/neusim/internal/buildversion"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/plugin/internal/solverpb"
	"github.com/neusim/neusim/solvers/plugin/internal/wire"
	"github.com/neusim/neusim/trajectory"
)

// Case features, as listed by "neusim solvers". A wall or insertion
// feature is the prefix followed by the case's type name, such as
// "wall:cone" or "insert:pour".
const (
	FeatureParticles   = "particles"    // particle (DEM-like) cases
	FeatureFluid       = "fluid"        // fluid cases (a fluid section)
	FeatureOutlets     = "outlets"      // outlet regions that remove and count particles
	FeatureMovingWalls = "moving_walls" // walls with a prescribed motion or a removal time
	FeatureWallPrefix  = "wall:"        // wall types: plane, box, cylinder, cone, stl
	FeatureInsert      = "insert:"      // insertion modes: pack, pour
	FeatureContact     = "contact:"     // normal contact laws: hertz, linear
	FeatureRolling     = "rolling:"     // rolling resistance models: constant_torque, epsd
)

// AllParticleFeatures returns every feature of particle cases, for a
// solver that runs any particle case that neusim's DEM solver runs.
func AllParticleFeatures() []string {
	return []string{
		FeatureParticles, FeatureOutlets, FeatureMovingWalls,
		FeatureWallPrefix + "plane", FeatureWallPrefix + "box", FeatureWallPrefix + "cylinder",
		FeatureWallPrefix + "cone", FeatureWallPrefix + "stl",
		FeatureInsert + "pack", FeatureInsert + "pour",
		FeatureContact + "hertz", FeatureContact + "linear",
		FeatureRolling + "constant_torque", FeatureRolling + "epsd",
	}
}

// Info describes a plugin for "neusim solvers". The name is the solver's
// Name.
type Info struct {
	Version     string   // the plugin's own version, such as "1.2.0"; empty reports the neusim version it was built with
	Description string   // one line on what the solver is
	Features    []string // supported case features, see the Feature constants
}

// Logger returns a logger that writes text lines to standard error, which
// the host logs with the plugin's name.
func Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

// Serve serves s as a solver plugin until the host closes the connection,
// then exits the process. Started by hand, outside neusim, it prints that
// the binary is a plugin and exits with status 1.
func Serve(s solvers.Solver, info Info) {
	go exitWithHost(os.Getppid(), time.Second)
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: wire.Handshake,
		Plugins: plugin.PluginSet{
			wire.PluginKey: &wire.GRPCPlugin{Impl: &server{solver: s, info: info}},
		},
		GRPCServer: plugin.DefaultGRPCServer,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:   "go-plugin",
			Level:  hclog.Warn,
			Output: os.Stderr,
		}),
	})
}

// exitWithHost exits the process once its parent, the host, has gone:
// the process is then adopted and its parent id changes. go-plugin stops a
// plugin when the host calls Kill, but a host that is itself killed
// (SIGKILL, a crash) cannot, and the plugin would otherwise serve forever.
func exitWithHost(host int, every time.Duration) {
	for range time.Tick(every) {
		if os.Getppid() != host {
			fmt.Fprintln(os.Stderr, "neusim solver plugin: the host process exited; exiting")
			os.Exit(1)
		}
	}
}

// server implements the gRPC service on top of a solvers.Solver.
type server struct {
	solverpb.UnimplementedSolverServer
	solver solvers.Solver
	info   Info
}

func (s *server) Describe(context.Context, *solverpb.DescribeRequest) (*solverpb.Info, error) {
	version := s.info.Version
	if version == "" {
		version = buildversion.String()
	}
	return &solverpb.Info{
		Name:          s.solver.Name(),
		Version:       version,
		Description:   s.info.Description,
		Features:      s.info.Features,
		NeusimVersion: buildversion.String(),
	}, nil
}

func (s *server) Run(req *solverpb.RunRequest, stream solverpb.Solver_RunServer) error {
	c, err := wire.DecodeCase(req.CaseJson)
	if err != nil {
		return status.Error(codes.InvalidArgument, s.solver.Name()+": "+err.Error())
	}

	// gRPC streams take one Send at a time, and a solver may report
	// progress from another goroutine than the one that writes frames.
	var mu sync.Mutex
	send := func(ev *solverpb.RunEvent) error {
		mu.Lock()
		defer mu.Unlock()
		return stream.Send(ev)
	}
	sink := solvers.SinkFunc(func(f *particles.Frame) error {
		data, err := trajectory.EncodeFrame(f)
		if err != nil {
			return err
		}
		return send(&solverpb.RunEvent{Event: &solverpb.RunEvent_Frame{Frame: data}})
	})
	progress := func(p solvers.Progress) {
		// A failed send means the call is over, and Run learns it from
		// the sink or the context.
		_ = send(&solverpb.RunEvent{Event: &solverpb.RunEvent_Progress{Progress: &solverpb.Progress{
			Step: p.Step, Steps: p.Steps, Time: p.Time, Duration: p.Duration,
			Particles: int64(p.Particles), ElapsedNs: int64(p.Elapsed / time.Nanosecond),
		}}})
	}

	ctx := stream.Context()
	err = s.solver.Run(ctx, c, sink, progress)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return status.FromContextError(ctx.Err()).Err()
	default:
		return status.Error(codes.Unknown, err.Error())
	}
}
