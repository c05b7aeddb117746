package cuda

import "github.com/neusim/neusim/kernels"

// init registers the "cuda" device with kernels.Open. Nothing is loaded
// until a caller opens it.
func init() {
	kernels.RegisterDevice("cuda", func(opt kernels.OpenOptions) (kernels.BackendCloser, error) {
		b, err := Open(Options{Logger: opt.Logger})
		if err != nil {
			return nil, err
		}
		return b, nil
	})
}

var _ kernels.PairSearcher = (*Backend)(nil)
