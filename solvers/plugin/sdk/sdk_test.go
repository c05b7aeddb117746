package sdk

import (
	"context"
	"errors"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers"
	"github.com/neusim/neusim/solvers/plugin/internal/solverpb"
	"github.com/neusim/neusim/solvers/plugin/internal/wire"
	"github.com/neusim/neusim/trajectory"
)

// fakeStream records the events that server.Run sends.
type fakeStream struct {
	grpc.ServerStream
	ctx    context.Context
	events []*solverpb.RunEvent
}

func (s *fakeStream) Send(ev *solverpb.RunEvent) error {
	s.events = append(s.events, ev)
	return nil
}

func (s *fakeStream) Context() context.Context { return s.ctx }

// funcSolver is a solvers.Solver made of a function.
type funcSolver func(ctx context.Context, c *cases.Case, sink solvers.Sink, progress solvers.ProgressFunc) error

func (funcSolver) Name() string { return "func" }
func (f funcSolver) Run(ctx context.Context, c *cases.Case, sink solvers.Sink, progress solvers.ProgressFunc) error {
	return f(ctx, c, sink, progress)
}

func runRequest(t *testing.T) *solverpb.RunRequest {
	t.Helper()
	data, err := wire.EncodeCase(&cases.Case{Name: "stub"})
	if err != nil {
		t.Fatal(err)
	}
	return &solverpb.RunRequest{CaseJson: data}
}

func TestServerRunSendsFramesAndProgress(t *testing.T) {
	s := &server{solver: funcSolver(func(ctx context.Context, c *cases.Case, sink solvers.Sink, progress solvers.ProgressFunc) error {
		if c.Name != "stub" {
			t.Errorf("solver got case %q, want stub", c.Name)
		}
		progress(solvers.Progress{Step: 3, Steps: 10})
		return sink.WriteFrame(&particles.Frame{Step: 3, Time: 0.5})
	})}
	stream := &fakeStream{ctx: context.Background()}
	if err := s.Run(runRequest(t), stream); err != nil {
		t.Fatal(err)
	}
	if len(stream.events) != 2 {
		t.Fatalf("%d events sent, want progress and one frame", len(stream.events))
	}
	if p := stream.events[0].GetProgress(); p == nil || p.Step != 3 || p.Steps != 10 {
		t.Errorf("first event %v, want progress at step 3 of 10", stream.events[0])
	}
	f, err := trajectory.DecodeFrame(stream.events[1].GetFrame())
	if err != nil {
		t.Fatal(err)
	}
	if f.Step != 3 || f.Time != 0.5 {
		t.Errorf("frame at step %d, time %g, want 3 and 0.5", f.Step, f.Time)
	}
}

func TestServerRunStatusCodes(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		req  *solverpb.RunRequest
		err  error
		code codes.Code
	}{
		{"solver error", context.Background(), runRequest(t), errors.New("no cones"), codes.Unknown},
		{"cancelled", cancelled, runRequest(t), context.Canceled, codes.Canceled},
		{"bad case", context.Background(), &solverpb.RunRequest{CaseJson: []byte(`{"Unknown": 1}`)}, nil, codes.InvalidArgument},
	} {
		s := &server{solver: funcSolver(func(context.Context, *cases.Case, solvers.Sink, solvers.ProgressFunc) error { return tc.err })}
		err := s.Run(tc.req, &fakeStream{ctx: tc.ctx})
		if got := status.Code(err); got != tc.code {
			t.Errorf("%s: status %v (%v), want %v", tc.name, got, err, tc.code)
		}
	}
}

func TestDescribeDefaultsVersion(t *testing.T) {
	in, err := (&server{solver: funcSolver(nil)}).Describe(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if in.Name != "func" || in.Version == "" || in.Version != in.NeusimVersion {
		t.Errorf("Describe = %v, want name func and the neusim version as the version", in)
	}
}
