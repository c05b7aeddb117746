package kernels

import (
	"strings"
	"testing"
)

func TestOpenCPU(t *testing.T) {
	b, err := Open("cpu", OpenOptions{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Workers() != 2 || !strings.HasPrefix(b.Name(), "cpu") {
		t.Errorf("opened %s with %d workers, want the CPU backend with 2", b.Name(), b.Workers())
	}
}

// This package's tests do not import kernels/cuda, so no device is
// registered: auto is the CPU, and cuda says the program lacks it.
func TestOpenWithoutDevices(t *testing.T) {
	b, err := Open("auto", OpenOptions{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	_, err = Open("cuda", OpenOptions{})
	if err == nil || !strings.Contains(err.Error(), "built without the CUDA backend") {
		t.Errorf("cuda: error %v", err)
	}
	_, err = Open("gpu", OpenOptions{})
	if err == nil || !strings.Contains(err.Error(), `device "gpu" is not one of auto, cpu`) {
		t.Errorf("gpu: error %v", err)
	}
}
