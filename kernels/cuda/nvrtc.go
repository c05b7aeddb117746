package cuda

import (
	"fmt"
	"runtime"
	"strings"
	"unsafe"
)

// nvrtcAPI holds the NVRTC functions the backend calls. Every function
// returns an nvrtcResult, 0 on success. nvrtcGetCUBIN needs NVRTC 11.1 or
// newer.
type nvrtcAPI struct {
	nvrtcVersion           func(major, minor *int32) int32                                                        `sym:"nvrtcVersion"`
	nvrtcGetErrorString    func(res int32) *byte                                                                  `sym:"nvrtcGetErrorString"`
	nvrtcCreateProgram     func(prog *uintptr, src, name string, headers int32, srcs, names unsafe.Pointer) int32 `sym:"nvrtcCreateProgram"`
	nvrtcDestroyProgram    func(prog *uintptr) int32                                                              `sym:"nvrtcDestroyProgram"`
	nvrtcCompileProgram    func(prog uintptr, n int32, options unsafe.Pointer) int32                              `sym:"nvrtcCompileProgram"`
	nvrtcGetProgramLogSize func(prog uintptr, size *uint64) int32                                                 `sym:"nvrtcGetProgramLogSize"`
	nvrtcGetProgramLog     func(prog uintptr, log *byte) int32                                                    `sym:"nvrtcGetProgramLog"`
	nvrtcGetCUBINSize      func(prog uintptr, size *uint64) int32                                                 `sym:"nvrtcGetCUBINSize"`
	nvrtcGetCUBIN          func(prog uintptr, out *byte) int32                                                    `sym:"nvrtcGetCUBIN"`
	nvrtcGetPTXSize        func(prog uintptr, size *uint64) int32                                                 `sym:"nvrtcGetPTXSize"`
	nvrtcGetPTX            func(prog uintptr, out *byte) int32                                                    `sym:"nvrtcGetPTX"`
}

// version returns NVRTC's version as "major.minor".
func (n *nvrtcAPI) version() string {
	var major, minor int32
	n.nvrtcVersion(&major, &minor)
	return fmt.Sprintf("%d.%d", major, minor)
}

// compile compiles src for arch ("sm_90"). It asks for a CUBIN first; when
// this NVRTC does not know arch (a device newer than the library), it
// compiles PTX for the matching virtual architecture instead, which the
// driver then compiles when it loads the module. The error includes
// NVRTC's log.
func (n *nvrtcAPI) compile(src, name, arch string) (image []byte, kind string, err error) {
	image, err = n.compileFor(src, name, "--gpu-architecture="+arch, true)
	if err == nil {
		return image, "cubin", nil
	}
	virtual := "compute_" + strings.TrimPrefix(arch, "sm_")
	ptx, err2 := n.compileFor(src, name, "--gpu-architecture="+virtual, false)
	if err2 != nil {
		return nil, "", fmt.Errorf("%w; as PTX for %s: %w", err, virtual, err2)
	}
	return ptx, "ptx", nil
}

func (n *nvrtcAPI) compileFor(src, name, archOption string, cubin bool) ([]byte, error) {
	var prog uintptr
	if res := n.nvrtcCreateProgram(&prog, src, name, 0, nil, nil); res != 0 {
		return nil, fmt.Errorf("kernels/cuda: nvrtcCreateProgram: %s", goString(n.nvrtcGetErrorString(res)))
	}
	defer n.nvrtcDestroyProgram(&prog)

	// The option strings are Go memory passed through a C array of
	// pointers, so they are pinned for the call.
	opts := []string{archOption}
	cstrs := make([][]byte, len(opts))
	ptrs := make([]*byte, len(opts))
	var pin runtime.Pinner
	defer pin.Unpin()
	for i, o := range opts {
		cstrs[i] = append([]byte(o), 0)
		ptrs[i] = &cstrs[i][0]
		pin.Pin(ptrs[i])
	}
	if res := n.nvrtcCompileProgram(prog, int32(len(ptrs)), unsafe.Pointer(&ptrs[0])); res != 0 {
		return nil, fmt.Errorf("kernels/cuda: NVRTC %s could not compile %s with %s: %s: %s",
			n.version(), name, archOption, goString(n.nvrtcGetErrorString(res)), n.log(prog))
	}

	size, get := n.nvrtcGetCUBINSize, n.nvrtcGetCUBIN
	if !cubin {
		size, get = n.nvrtcGetPTXSize, n.nvrtcGetPTX
	}
	var sz uint64
	if res := size(prog, &sz); res != 0 || sz == 0 {
		return nil, fmt.Errorf("kernels/cuda: NVRTC returned no code for %s with %s: %s", name, archOption, goString(n.nvrtcGetErrorString(res)))
	}
	out := make([]byte, sz)
	if res := get(prog, &out[0]); res != 0 {
		return nil, fmt.Errorf("kernels/cuda: NVRTC could not copy the code of %s: %s", name, goString(n.nvrtcGetErrorString(res)))
	}
	return out, nil
}

// log returns the compilation log of prog on one line.
func (n *nvrtcAPI) log(prog uintptr) string {
	var sz uint64
	if n.nvrtcGetProgramLogSize(prog, &sz) != 0 || sz <= 1 {
		return "(no log)"
	}
	buf := make([]byte, sz)
	n.nvrtcGetProgramLog(prog, &buf[0])
	return strings.Join(strings.Fields(strings.TrimRight(string(buf), "\x00")), " ")
}
