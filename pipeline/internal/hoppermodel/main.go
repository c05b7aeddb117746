// Command hoppermodel regenerates the shipped hopper surrogate: it
// generates DEM data for sampled hopper variants, trains a model on them
// and, with -compare, compares it with DEM on further variants.
//
//	go run ./pipeline/internal/hoppermodel -data out/hopper-data -out models/hopper
//
// Data generation is resumable, so a second call reuses the trajectories.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/neusim/neusim/pipeline"
	"github.com/neusim/neusim/surrogate"
)

func main() {
	caseName := flag.String("case", "hopper", "case name or file")
	dataDir := flag.String("data", "out/hopper-data", "directory of the DEM training trajectories")
	out := flag.String("out", "models/hopper", "directory of the model")
	variants := flag.Int("variants", 5, "Latin hypercube variants to train on (the last one is held out for validation)")
	seed := flag.Uint64("seed", 1, "seed of the sampling, the weights and the training")
	jobs := flag.Int("jobs", 2, "DEM runs at once")
	iterations := flag.Int("iterations", 2000, "training iterations")
	target := flag.Int("target", 32, "particles per entity")
	latent := flag.Int("latent", 48, "latent width of the model")
	steps := flag.Int("steps", 3, "message-passing steps")
	compare := flag.String("compare", "", "semicolon-separated --set lists to compare against DEM after training, e.g. 'outlet_diameter=0.016,friction=0.4;outlet_diameter=0.02'")
	extrapolate := flag.Bool("extrapolate", false, "allow compare variants outside the parameter ranges")
	duration := flag.Float64("duration", 0, "simulated duration of the compare runs, s; 0 keeps the case's")
	skipTrain := flag.Bool("skip-train", false, "compare the existing model without training")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	model := filepath.Join(*out, "model.safetensors")
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}

	if !*skipTrain {
		data, err := pipeline.GenerateData(ctx, *caseName, pipeline.DataOptions{Dir: *dataDir, Variants: *variants, Seed: *seed, Jobs: *jobs, Logger: log})
		if err != nil {
			fail(err)
		}
		st := pipeline.DefaultSettings()
		st.Grouping.TargetSize = *target
		rep, err := pipeline.Train(ctx, pipeline.TrainOptions{Case: *caseName, Data: data, Out: model, Seed: *seed, Settings: st,
			Model: surrogate.Config{Latent: *latent, Steps: *steps}, Train: surrogate.TrainConfig{Iterations: *iterations},
			Logger: log})
		if err != nil {
			fail(err)
		}
		meta, _ := json.MarshalIndent(rep.Metadata, "", "  ")
		if err := os.WriteFile(filepath.Join(*out, "metadata.json"), meta, 0o644); err != nil {
			fail(err)
		}
	}

	if *compare == "" {
		return
	}
	for i, spec := range strings.Split(*compare, ";") {
		set := strings.Split(spec, ",")
		dir := filepath.Join(*out, "compare", fmt.Sprintf("%d", i))
		r, err := pipeline.Compare(ctx, *caseName, set, model, dir, pipeline.CompareOptions{Logger: log, AllowExtrapolation: *extrapolate, Duration: *duration})
		if err != nil {
			fail(err)
		}
		fmt.Printf("## %s (%s)\n\n%s\n", spec, dir, r.Markdown())
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "hoppermodel:", err)
	os.Exit(1)
}
