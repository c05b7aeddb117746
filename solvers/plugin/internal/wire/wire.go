// Package wire holds what the plugin host and the plugin SDK must agree
// on: the go-plugin handshake, the go-plugin adapter of the gRPC service,
// and the encoding of a resolved case.
package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/neusim/neusim/cases"
	"github.com/neusim/neusim/solvers/plugin/internal/solverpb"
)

// ProtocolVersion is the version of the solver plugin protocol. It changes
// when solverpb.Solver, the case encoding or the frame encoding changes in
// a way that an older host or plugin would misread. The host refuses a
// plugin of another version.
const ProtocolVersion = 1

// PluginKey names the solver service in go-plugin's plugin set.
const PluginKey = "solver"

// Handshake is the go-plugin handshake of neusim solver plugins. The magic
// cookie keeps a plugin binary that is started by hand, or by another
// go-plugin host, from serving.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "NEUSIM_SOLVER_PLUGIN",
	MagicCookieValue: "8f1c2a7e-neusim-solver",
}

// GRPCPlugin adapts the Solver gRPC service to go-plugin. The plugin side
// sets Impl, and the host side leaves it nil and gets a client.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl solverpb.SolverServer
}

// GRPCServer registers the solver service on s.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	solverpb.RegisterSolverServer(s, p.Impl)
	return nil
}

// GRPCClient returns a solverpb.SolverClient on conn.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return solverpb.NewSolverClient(conn), nil
}

// EncodeCase encodes a resolved case as JSON. encoding/json writes each
// float64 as the shortest decimal that parses back to the same value, so
// the plugin receives the host's case bit for bit, including changes made
// after loading such as a shortened duration.
func EncodeCase(c *cases.Case) ([]byte, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode case %s: %w", c.Name, err)
	}
	return data, nil
}

// DecodeCase decodes a case written by EncodeCase. A field that this
// build's cases.Case lacks is an error, because a plugin built against an
// older neusim would otherwise drop part of the case without notice.
func DecodeCase(data []byte) (*cases.Case, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c cases.Case
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("decode case: %w (rebuild the plugin against the neusim version of the host)", err)
	}
	return &c, nil
}
