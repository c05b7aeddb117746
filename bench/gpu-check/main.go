// Command gpu-check checks the CUDA backend against the CPU backend on the
// machine it runs on, and measures it. It needs no network and installs
// nothing: build it with CGO_ENABLED=0 on any Linux amd64 machine, carry
// it to the GPU machine with the repository's models/hopper_cone, and run it
// there (bench/gpu-check/run.sh does both steps):
//
//	CGO_ENABLED=0 go build -o gpu-check ./bench/gpu-check
//	./gpu-check -model models/hopper_cone/model.safetensors
//
// It prints, in order:
//
//   - the device, the libraries and where the kernels came from;
//   - every kernel against the float64 CPU backend on fresh random inputs,
//     outputs filled with NaN first, with cuBLAS, with the tiled Gemm
//     kernel and with TF32 (relative error and its bound per output);
//   - the device's ceilings measured in the same run: bandwidth of a large
//     device-to-device copy and FLOP/s of a large cuBLAS SGEMM (FP32 and
//     TF32);
//   - the achieved bandwidth of the memory-bound kernels against that
//     ceiling, and the ratio of each kernel's time to its bandwidth floor
//     (its minimum bytes moved at the ceiling bandwidth);
//   - a rollout of -particles particles (1,000,000 by default), grouped
//     into entities of the model's target size. The model runs on the GPU
//     and then on the CPU backend with -cpu-workers workers. It prints
//     entity-steps/s, particle frames/s and the time of each phase of a
//     step;
//   - a training step (forward, backward, AdamW) on the same entity graph
//     on both backends;
//   - the shipped hopper model run by the surrogate solver on the CPU and
//     on the GPU, and the relative differences of its observables.
//
// The exit status is 0 when every correctness check passes (the
// performance targets are reported, not enforced), and 1 when a check
// fails or no CUDA device opens.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/kernels/cuda"
)

// options are the command-line settings.
type options struct {
	model       string
	particles   int
	steps       int
	cpuWorkers  int
	cpuSteps    int
	hopper      bool
	hopperTol   float64
	seed        uint64
	cacheDir    string
	logLevel    string
	skipCeiling bool
	noCUBLAS    bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("gpu-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.model, "model", "models/hopper_cone/model.safetensors", "checkpoint of the shipped hopper model")
	fs.IntVar(&o.particles, "particles", 1_000_000, "particles of the timed rollout")
	fs.IntVar(&o.steps, "steps", 10, "timed coarse steps of the rollout on the GPU")
	fs.IntVar(&o.cpuWorkers, "cpu-workers", 2, "workers of the CPU baseline (model and host phases)")
	fs.IntVar(&o.cpuSteps, "cpu-steps", 2, "timed coarse steps of the CPU baseline")
	fs.BoolVar(&o.hopper, "hopper", true, "run the shipped hopper model on the CPU and the GPU and compare the observables")
	fs.Float64Var(&o.hopperTol, "hopper-tol", 0.05, "largest relative difference of a hopper observable between the CPU and GPU runs")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the random kernel inputs and of the synthetic scene")
	fs.StringVar(&o.cacheDir, "cache", "", "directory of compiled kernels; empty: the user cache directory")
	fs.StringVar(&o.logLevel, "log-level", "warn", "log level of the solver runs: debug, info, warn, error")
	fs.BoolVar(&o.skipCeiling, "skip-ceilings", false, "skip the bandwidth and FLOP/s ceilings and the kernel bandwidth table")
	fs.BoolVar(&o.noCUBLAS, "no-cublas", false, "use the tiled Gemm kernel instead of cuBLAS; gpu-check also falls back to it when cuBLAS is missing")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		fmt.Fprintf(stderr, "gpu-check -log-level: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	start := time.Now()
	r := &report{w: stdout}
	r.section("device")
	opened := slog.New(slog.NewTextHandler(stdout, nil))
	gpu, err := cuda.Open(cuda.Options{CacheDir: o.cacheDir, NoCUBLAS: o.noCUBLAS, Logger: opened})
	if err != nil && !o.noCUBLAS && strings.Contains(err.Error(), "cuBLAS library") {
		fmt.Fprintf(stdout, "%v\ngoing on with the tiled Gemm kernel; cuBLAS ceilings and TF32 are skipped\n", err)
		o.noCUBLAS = true
		gpu, err = cuda.Open(cuda.Options{CacheDir: o.cacheDir, NoCUBLAS: true, Logger: opened})
	}
	if err != nil {
		fmt.Fprintf(stdout, "no CUDA device: %v\n", err)
		return 1
	}
	defer gpu.Close()
	info := gpu.Info()
	fmt.Fprintf(stdout, "device: %s\nhost: %d CPUs, GOMAXPROCS %d\n", info, runtime.NumCPU(), runtime.GOMAXPROCS(0))

	r.section("kernels against the float64 CPU backend")
	checkKernels(r, gpu, o)

	if !o.skipCeiling {
		r.section("device ceilings, measured")
		c := measureCeilings(r, gpu, o)
		r.section("memory-bound kernels against the bandwidth ceiling")
		measureKernelBandwidth(r, gpu, c)
	}

	r.section(fmt.Sprintf("rollout of %d particles", o.particles))
	if err := measureRollout(r, gpu, o, log); err != nil {
		r.fail("rollout: %v", err)
	}

	if o.hopper {
		r.section("shipped hopper model: CPU against GPU observables")
		if err := compareHopper(context.Background(), r, o, log); err != nil {
			r.fail("hopper: %v", err)
		}
	}

	r.section("summary")
	fmt.Fprintf(stdout, "wall time %.0f s\n", time.Since(start).Seconds())
	if r.failures > 0 {
		fmt.Fprintf(stdout, "%d checks FAILED\n", r.failures)
		return 1
	}
	fmt.Fprintln(stdout, "all correctness checks passed")
	return 0
}

// report prints sections and counts failed checks.
type report struct {
	w        io.Writer
	failures int
}

func (r *report) section(title string) {
	fmt.Fprintf(r.w, "\n== %s ==\n", title)
}

func (r *report) fail(format string, args ...any) {
	r.failures++
	fmt.Fprintf(r.w, "FAIL: "+format+"\n", args...)
}

// timeIt returns the mean wall time in seconds of reps calls of f, after
// one call to warm up, with sync waiting for the device after each batch.
func timeIt(reps int, sync func(), f func()) float64 {
	f()
	sync()
	start := time.Now()
	for range reps {
		f()
	}
	sync()
	return time.Since(start).Seconds() / float64(reps)
}

// cpuReference returns the float64 CPU backend that every kernel is
// compared with.
func cpuReference() *kernels.CPU[float64] { return kernels.NewCPU[float64](0) }
