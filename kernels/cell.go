package kernels

// MLSTMArgs are the operands of one step of a batch of N mLSTM cells with
// Heads heads of key size DK and value size DV (Beck et al. 2024, "xLSTM:
// Extended Long Short-Term Memory", stabilised form). Per entity and
// head, with k scaled by 1/sqrt(DK):
//
//	m1 = max(logσ(f) + m0, i)
//	i' = exp(i - m1),  f' = exp(logσ(f) + m0 - m1)
//	C1 = f'·C0 + i'·v·kᵀ,  n1 = f'·n0 + i'·k
//	h  = σ(o) ⊙ (C1·q) / max(|n1·q|, exp(-m1))
//
// C is stored per head as a DV×DK row-major block.
type MLSTMArgs[T Float] struct {
	Heads, DK, DV int

	Q, K *Tensor[T] // N×(Heads·DK) queries and keys
	V    *Tensor[T] // N×(Heads·DV) values
	I, F *Tensor[T] // N×Heads input and forget gate pre-activations
	O    *Tensor[T] // N×(Heads·DV) output gate pre-activations

	C0, N0, M0 *Tensor[T] // state before the step: N×(Heads·DV·DK), N×(Heads·DK), N×Heads
	C1, N1, M1 *Tensor[T] // state after the step, same shapes (written by MLSTMStep)
	H          *Tensor[T] // N×(Heads·DV) hidden output (written by MLSTMStep)
}

// MLSTMGrads are the gradients of one mLSTM step. DC and DN hold the
// gradients with respect to C1 and N1 on entry and are overwritten with
// those with respect to C0 and N0. The stabiliser M carries no gradient
// because h does not depend on it (C, n and exp(-m) scale together).
type MLSTMGrads[T Float] struct {
	DH         *Tensor[T] // N×(Heads·DV) gradient of the loss with respect to h
	DC, DN     *Tensor[T] // in: w.r.t. C1, N1; out: w.r.t. C0, N0
	DQ, DK, DV *Tensor[T] // written
	DI, DF, DO *Tensor[T] // written, gradients of the gate pre-activations
}

// SLSTMArgs are the operands of one step of a batch of N sLSTM cells with
// Heads heads of Size units each (Beck et al. 2024). Pre holds
// the gate pre-activations, already including the recurrent term R·h0, laid
// out per head as [z i f o], each Size wide. Per unit:
//
//	m1 = max(logσ(f) + m0, i)
//	i' = exp(i - m1),  f' = exp(logσ(f) + m0 - m1)
//	c1 = f'·c0 + i'·tanh(z),  n1 = f'·n0 + i'
//	h  = σ(o) · c1/n1
type SLSTMArgs[T Float] struct {
	Heads, Size int

	Pre        *Tensor[T] // N×(Heads·4·Size) gate pre-activations
	C0, N0, M0 *Tensor[T] // N×(Heads·Size) state before the step
	C1, N1, M1 *Tensor[T] // N×(Heads·Size) state after (written by SLSTMStep)
	H          *Tensor[T] // N×(Heads·Size) hidden output (written by SLSTMStep)
}

// SLSTMGrads are the gradients of one sLSTM step; DC and DN are updated in
// place from the gradients with respect to c1, n1 to those of c0, n0.
type SLSTMGrads[T Float] struct {
	DH     *Tensor[T] // N×(Heads·Size) gradient w.r.t. h
	DC, DN *Tensor[T] // in: w.r.t. c1, n1; out: w.r.t. c0, n0
	DPre   *Tensor[T] // N×(Heads·4·Size) written
}
