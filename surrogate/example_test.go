package surrogate_test

import (
	"bytes"
	"fmt"

	"github.com/neusim/neusim/kernels"
	"github.com/neusim/neusim/surrogate"
)

func ExampleDecodeSafetensors() {
	var buf bytes.Buffer
	err := surrogate.EncodeSafetensors(&buf, []surrogate.NamedTensor{
		{Name: "decoder.linear0.bias", Shape: []int{1, 3}, Data: []float32{0.5, -1, 2}},
	}, map[string]string{"note": "example"})
	if err != nil {
		panic(err)
	}
	tensors, meta, err := surrogate.DecodeSafetensors(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "example.safetensors")
	if err != nil {
		panic(err)
	}
	fmt.Println(tensors[0].Name, tensors[0].Shape, tensors[0].Data, meta["note"])
	// Output: decoder.linear0.bias [1 3] [0.5 -1 2] example
}

func ExampleNewModel() {
	b := kernels.NewCPU[float32](1)
	defer b.Close()
	feat := surrogate.Features{History: 5, Materials: 2, Radius: 0.01}
	m, err := surrogate.NewModel(b, feat.ModelConfig(surrogate.Config{}), 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Cfg.Latent, m.Cfg.Steps, m.Cfg.Memory, m.Cfg.NodeIn, m.Params.Count() > 0)
	// Output: 128 10 mlstm 33 true
}
