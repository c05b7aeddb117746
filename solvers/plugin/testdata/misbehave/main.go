// Command misbehave is a solver plugin that fails on purpose, or sends an
// unusual frame, for the host's tests. Its behaviour comes from its file name,
// neusim-solver-MODE:
//
//	crash     sends one frame, then panics
//	exit      exits with status 3 before the handshake
//	hang      sends one frame, then blocks and ignores cancellation
//	nan       sends a frame with a NaN position
//	garbage   sends bytes that are not Arrow IPC
//	dupid     sends a frame in which two particles share an id
//	fail      returns an error from the solver
//	oldproto  serves protocol version 99
//	slow      sends a frame every 20 ms until cancelled
//	big       sends one valid frame of 60 000 particles, about 6 MB
package main

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-plugin"
	"gonum.org/v1/gonum/spatial/r3"

	"github.com/neusim/neusim/particles"
	"github.com/neusim/neusim/solvers/plugin/internal/solverpb"
	"github.com/neusim/neusim/solvers/plugin/internal/wire"
	"github.com/neusim/neusim/trajectory"
)

type server struct {
	solverpb.UnimplementedSolverServer
	mode string
}

func (s *server) Describe(context.Context, *solverpb.DescribeRequest) (*solverpb.Info, error) {
	return &solverpb.Info{Name: s.mode, Version: "0", Description: "misbehaves: " + s.mode}, nil
}

// frame returns a valid one-particle frame at step.
func frame(step int64) *particles.Frame {
	return &particles.Frame{
		Step: step, Time: float64(step) * 1e-3,
		ID: []int64{1}, Pos: []r3.Vec{{Z: 0.01}}, Vel: []r3.Vec{{}}, Omega: []r3.Vec{{}},
		Radius: []float64{0.001}, Mass: []float64{1e-5}, Material: []int32{0},
	}
}

func send(stream solverpb.Solver_RunServer, f *particles.Frame) error {
	data, err := trajectory.EncodeFrame(f)
	if err != nil {
		return err
	}
	return stream.Send(&solverpb.RunEvent{Event: &solverpb.RunEvent_Frame{Frame: data}})
}

func (s *server) Run(_ *solverpb.RunRequest, stream solverpb.Solver_RunServer) error {
	switch s.mode {
	case "crash":
		if err := send(stream, frame(0)); err != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond) // let the frame reach the host
		panic("misbehave: deliberate crash after one frame")
	case "hang":
		if err := send(stream, frame(0)); err != nil {
			return err
		}
		select {}
	case "nan":
		f := frame(0)
		f.Pos[0].X = math.NaN()
		return send(stream, f)
	case "dupid":
		f := frame(0)
		f.ID = append(f.ID, 1)
		f.Pos, f.Vel, f.Omega = append(f.Pos, r3.Vec{}), append(f.Vel, r3.Vec{}), append(f.Omega, r3.Vec{})
		f.Radius, f.Mass, f.Material = append(f.Radius, 0.001), append(f.Mass, 1e-5), append(f.Material, 0)
		return send(stream, f)
	case "big":
		f := &particles.Frame{}
		f.Resize(60000)
		for i := range f.ID {
			f.ID[i], f.Pos[i], f.Radius[i], f.Mass[i] = int64(i), r3.Vec{X: float64(i) * 1e-3}, 1e-3, 1e-5
		}
		return send(stream, f)
	case "garbage":
		return stream.Send(&solverpb.RunEvent{Event: &solverpb.RunEvent_Frame{Frame: []byte("this is not Arrow")}})
	case "fail":
		return errors.New("misbehave: wall cone: cones are not supported")
	case "slow":
		for step := int64(0); ; step++ {
			if err := send(stream, frame(step)); err != nil {
				return err
			}
			select {
			case <-stream.Context().Done():
				return stream.Context().Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	return send(stream, frame(0))
}

func main() {
	mode := strings.TrimPrefix(filepath.Base(os.Args[0]), "neusim-solver-")
	if mode == "exit" {
		os.Stderr.WriteString("misbehave: exiting before the handshake\n")
		os.Exit(3)
	}
	hs := wire.Handshake
	if mode == "oldproto" {
		hs.ProtocolVersion = 99
	}
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: hs,
		Plugins:         plugin.PluginSet{wire.PluginKey: &wire.GRPCPlugin{Impl: &server{mode: mode}}},
		GRPCServer:      plugin.DefaultGRPCServer,
	})
}
