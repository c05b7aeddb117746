// Package surrogate is the neural surrogate of neusim: a graph network
// with a per-entity xLSTM memory that predicts how coarse entities move,
// its training, its rollout and its checkpoints.
//
// # Architecture
//
// One model step maps the entity graph at time t to the accelerations
// and affine-gradient changes of every entity (Battaglia et al. 2018,
// "Relational inductive biases, deep learning, and graph networks";
// Sanchez-Gonzalez et al. 2020, "Learning to simulate complex physics with
// graph networks", GNS; Beck et al. 2024, "xLSTM"). L is the latent width.
//
//	node features N×NodeIn   edge features E×9        wall features W×10
//	       │                        │                        │
//	  node encoder MLP         edge encoder MLP         wall encoder MLP
//	       │ x: N×L                 │ e: E×L                 │ w: W×L
//	       ▼                        ▼                        ▼
//	┌───────────────── processor, repeated Steps times ─────────────────┐
//	│ e' = MLP_e([e, x_sender, x_receiver])      e ← e + e'             │
//	│ w' = MLP_w([w, x_receiver])                w ← w + w'             │
//	│ x' = MLP_x([x, Σ_receiver e', Σ_receiver w'])   x ← x + x'        │
//	└────────────────────────────────────────────────────────────────────┘
//	       │ x: N×L
//	       ├──────────────► LayerNorm ► mLSTM or sLSTM cell ──► h: N×L
//	       │                       (state C, n, m per entity,  │
//	       │                        carried from step to step) │
//	       ▼                                                   │
//	     x + h ◄───────────────────────────────────────────────┘
//	       │
//	  decoder MLP ──► N×12: acceleration (3), gradient change (9), normalised
//
// Every MLP has Hidden hidden layers of Width units with SiLU activations;
// the encoders and processor MLPs end in LayerNorm, the decoder does not.
// Incoming messages are summed in a fixed order (edges sorted by receiver),
// so results do not depend on the number of workers.
//
// # Inputs and outputs
//
// Features turns an EntityFrame (positions, affine velocity gradients,
// shape covariances, radii, material fractions, entity pairs and wall
// contacts, all SI) plus the last History finite-difference velocities into
// a Graph of normalised float32 arrays whose shapes are documented on each
// field. Normalisation holds the per-feature mean and standard deviation
// from the training data; Normalise and Denormalise are a matching pair,
// and the statistics are stored in every checkpoint.
//
// # Training
//
// Trainer samples windows of consecutive steps and adds random-walk noise
// to the input velocities. It runs the model over each window with the
// memory carried (truncated backpropagation through time). AdamW then
// updates the weights, after global-norm gradient clipping, with an
// exponential or cosine learning-rate schedule. The same seed gives the
// same weights, whatever the number of workers.
//
// # Rollout
//
// Rollout advances a RolloutState with a Predictor (ModelPredictor for a
// trained model), an Updater (Euler: semi-implicit Euler), an optional
// Neighbourhood that refreshes the entity graph and wall contacts, and a
// RolloutSink. Prolongation to particles, wall handling and outlet removal
// attach through these interfaces.
//
// # Checkpoints
//
// SaveCheckpoint writes safetensors (readable by the Python safetensors
// package) with a Metadata JSON in the file's __metadata__; LoadCheckpoint
// validates it and rebuilds the model.
//
// # Failures
//
// Shape mismatches between a model and its tensors are programmer errors
// and panic. Bad data (a malformed graph, sequence or checkpoint) and
// numerical trouble (a non-finite loss or prediction) are returned as
// errors that name the input, the field and the value.
package surrogate
