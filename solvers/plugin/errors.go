package plugin

import (
	"errors"
	"fmt"
	"strings"
)

// Failure kinds, for errors.Is. Every error from a plugin run wraps one of
// them and names the plugin.
var (
	// ErrStart: the plugin process could not be started, did not complete
	// the handshake within the start timeout, or speaks another protocol
	// version.
	ErrStart = errors.New("plugin failed to start")

	// ErrCrashed: the plugin process exited during a call.
	ErrCrashed = errors.New("plugin process exited unexpectedly")

	// ErrTimeout: the plugin sent neither a frame nor progress within the
	// inactivity timeout, and was killed.
	ErrTimeout = errors.New("plugin timed out")

	// ErrMalformedFrame: the plugin sent a frame that does not decode or
	// fails the frame checks.
	ErrMalformedFrame = errors.New("plugin sent a malformed frame")

	// ErrSolver: the solver inside the plugin returned an error, such as
	// a case feature it does not support.
	ErrSolver = errors.New("plugin solver failed")
)

// Error is a failure of one plugin. Kind is one of the Err values above.
type Error struct {
	Plugin string // solver name
	Path   string // executable
	Kind   error
	Detail string   // description of the failure
	Stderr []string // the plugin's last lines of standard error, oldest first
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "solver plugin %s (%s): %v: %s", e.Plugin, e.Path, e.Kind, e.Detail)
	if len(e.Stderr) > 0 {
		fmt.Fprintf(&b, "; its last standard error lines:\n  %s", strings.Join(e.Stderr, "\n  "))
	}
	return b.String()
}

// Unwrap returns the kind, so that errors.Is(err, ErrCrashed) works.
func (e *Error) Unwrap() error { return e.Kind }
