package kernels

import (
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
)

// BackendCloser is a float32 backend that holds worker goroutines or a
// device until Close is called.
type BackendCloser interface {
	Backend
	Close()
}

// DeviceOpener opens a device backend. Its error names what is missing (a
// library, a symbol, a device) in one line.
type DeviceOpener func(opt OpenOptions) (BackendCloser, error)

// OpenOptions configures Open. The zero value is usable.
type OpenOptions struct {
	// Workers is the number of goroutines of the CPU backend; zero means
	// GOMAXPROCS. Device backends ignore it.
	Workers int
	// Logger receives the warning when "auto" falls back to the CPU, and
	// what a device backend reports when it opens. Nil discards them.
	Logger *slog.Logger
}

var (
	devicesMu sync.Mutex
	devices   = map[string]DeviceOpener{}
	warned    = map[warning]bool{} // fallback warnings already logged
)

// RegisterDevice makes a device backend available to Open under name. A
// device package calls it from its init function, so a program that
// imports that package (kernels/cuda registers "cuda") can open it.
func RegisterDevice(name string, open DeviceOpener) {
	devicesMu.Lock()
	defer devicesMu.Unlock()
	if name == "cpu" || name == "auto" || open == nil {
		panic(fmt.Sprintf("kernels: RegisterDevice: invalid registration %q", name))
	}
	devices[name] = open
}

// DeviceNames returns the names Open accepts: "auto", "cpu" and the
// registered devices, sorted.
func DeviceNames() []string {
	devicesMu.Lock()
	defer devicesMu.Unlock()
	names := []string{"auto", "cpu"}
	for n := range devices {
		names = append(names, n)
	}
	sort.Strings(names[2:])
	return names
}

// Open returns the backend named by device:
//
//   - "cpu": the CPU backend with opt.Workers goroutines.
//   - a registered device such as "cuda": that backend, or its error when
//     it cannot be opened (a library or device is missing).
//   - "auto" or "": the first registered device that opens, in name
//     order. When none opens, it returns the CPU backend after one warning
//     per failed device that names what is missing. A program that opens
//     backends again and again with one logger (a sweep) logs each
//     distinct warning once.
func Open(device string, opt OpenOptions) (BackendCloser, error) {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	switch device {
	case "cpu":
		return NewCPU[float32](opt.Workers), nil
	case "auto", "":
		for _, name := range DeviceNames()[2:] {
			b, err := opener(name)(opt)
			if err == nil {
				return b, nil
			}
			warnOnce(log, fmt.Sprintf("%v; running on the CPU", err))
		}
		return NewCPU[float32](opt.Workers), nil
	}
	open := opener(device)
	if open == nil {
		if device == "cuda" {
			return nil, fmt.Errorf("kernels: device cuda: this program was built without the CUDA backend (package kernels/cuda); use --device cpu")
		}
		return nil, fmt.Errorf("kernels: device %q is not one of %s", device, strings.Join(DeviceNames(), ", "))
	}
	return open(opt)
}

// warning is a fallback message sent to one logger.
type warning struct {
	log *slog.Logger
	msg string
}

func warnOnce(log *slog.Logger, msg string) {
	devicesMu.Lock()
	seen := warned[warning{log, msg}]
	warned[warning{log, msg}] = true
	devicesMu.Unlock()
	if !seen {
		log.Warn(msg)
	}
}

func opener(name string) DeviceOpener {
	devicesMu.Lock()
	defer devicesMu.Unlock()
	return devices[name]
}
