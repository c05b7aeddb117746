package cuda

import (
	"fmt"
	"unsafe"
)

// driverAPI holds the CUDA driver API functions the backend calls. Every
// function returns a CUresult, 0 on success. The _v2 names are the ones
// the driver exports for the 64-bit signatures since CUDA 3.2.
type driverAPI struct {
	cuInit                    func(flags uint32) int32                                                                                    `sym:"cuInit"`
	cuDriverGetVersion        func(version *int32) int32                                                                                  `sym:"cuDriverGetVersion"`
	cuGetErrorName            func(res int32, name **byte) int32                                                                          `sym:"cuGetErrorName"`
	cuDeviceGetCount          func(count *int32) int32                                                                                    `sym:"cuDeviceGetCount"`
	cuDeviceGet               func(dev *int32, ordinal int32) int32                                                                       `sym:"cuDeviceGet"`
	cuDeviceGetName           func(name *byte, n int32, dev int32) int32                                                                  `sym:"cuDeviceGetName"`
	cuDeviceGetAttribute      func(value *int32, attr int32, dev int32) int32                                                             `sym:"cuDeviceGetAttribute"`
	cuDeviceTotalMem          func(bytes *uint64, dev int32) int32                                                                        `sym:"cuDeviceTotalMem_v2"`
	cuDevicePrimaryCtxRetain  func(ctx *uintptr, dev int32) int32                                                                         `sym:"cuDevicePrimaryCtxRetain"`
	cuDevicePrimaryCtxRelease func(dev int32) int32                                                                                       `sym:"cuDevicePrimaryCtxRelease_v2"`
	cuCtxSetCurrent           func(ctx uintptr) int32                                                                                     `sym:"cuCtxSetCurrent"`
	cuCtxSynchronize          func() int32                                                                                                `sym:"cuCtxSynchronize"`
	cuMemAlloc                func(ptr *uintptr, bytes uint64) int32                                                                      `sym:"cuMemAlloc_v2"`
	cuMemFree                 func(ptr uintptr) int32                                                                                     `sym:"cuMemFree_v2"`
	cuMemcpyHtoD              func(dst uintptr, src unsafe.Pointer, bytes uint64) int32                                                   `sym:"cuMemcpyHtoD_v2"`
	cuMemcpyDtoH              func(dst unsafe.Pointer, src uintptr, bytes uint64) int32                                                   `sym:"cuMemcpyDtoH_v2"`
	cuMemcpyDtoD              func(dst, src uintptr, bytes uint64) int32                                                                  `sym:"cuMemcpyDtoD_v2"`
	cuMemsetD32               func(dst uintptr, value uint32, n uint64) int32                                                             `sym:"cuMemsetD32_v2"`
	cuModuleLoadData          func(module *uintptr, image unsafe.Pointer) int32                                                           `sym:"cuModuleLoadData"`
	cuModuleUnload            func(module uintptr) int32                                                                                  `sym:"cuModuleUnload"`
	cuModuleGetFunction       func(fn *uintptr, module uintptr, name string) int32                                                        `sym:"cuModuleGetFunction"`
	cuLaunchKernel            func(fn uintptr, gx, gy, gz, bx, by, bz, shared uint32, stream uintptr, params, extra unsafe.Pointer) int32 `sym:"cuLaunchKernel"`
}

// Device attributes (CUdevice_attribute) the backend reads.
const (
	attrMaxSharedPerBlock = 8
	attrMultiprocessors   = 16
	attrMemoryClockKHz    = 36
	attrMemoryBusBits     = 37
	attrComputeMajor      = 75
	attrComputeMinor      = 76
)

// CUresult values the backend tells apart.
const (
	resultSuccess            = 0
	resultInsufficientDriver = 35
	resultNoDevice           = 100
)

// errorName returns the CUresult's name, such as CUDA_ERROR_OUT_OF_MEMORY.
func (d *driverAPI) errorName(res int32) string {
	var p *byte
	if d.cuGetErrorName(res, &p) != resultSuccess || p == nil {
		return fmt.Sprintf("CUresult %d", res)
	}
	return goString(p)
}

// DeviceInfo describes the device a backend runs on.
type DeviceInfo struct {
	Ordinal        int
	Name           string
	ComputeMajor   int
	ComputeMinor   int
	Multiprocessor int    // streaming multiprocessors
	MemoryBytes    uint64 // global memory, bytes
	// PeakBandwidth is the theoretical memory bandwidth in bytes/s from the
	// memory clock and bus width the driver reports, or 0 when it reports
	// neither (newer drivers may not).
	PeakBandwidth  float64
	SharedPerBlock int // bytes of shared memory one block may use
	DriverVersion  int // as cuDriverGetVersion returns it, e.g. 12040 for 12.4
}

// Arch returns the compute capability as NVRTC names it, such as "sm_90".
func (d DeviceInfo) Arch() string { return fmt.Sprintf("sm_%d%d", d.ComputeMajor, d.ComputeMinor) }

// String returns the name, compute capability and memory of d.
func (d DeviceInfo) String() string {
	return fmt.Sprintf("%s (%s, %d SMs, %.1f GiB, driver %d.%d)", d.Name, d.Arch(), d.Multiprocessor,
		float64(d.MemoryBytes)/(1<<30), d.DriverVersion/1000, d.DriverVersion%1000/10)
}

// initDevice initialises the driver and describes device ordinal. Its
// errors are one line saying what is missing: a device, a driver recent
// enough, or the ordinal.
func (d *driverAPI) initDevice(ordinal int) (int32, DeviceInfo, error) {
	var info DeviceInfo
	switch res := d.cuInit(0); res {
	case resultSuccess:
	case resultNoDevice:
		return 0, info, fmt.Errorf("kernels/cuda: no CUDA device: cuInit returned %s", d.errorName(res))
	case resultInsufficientDriver:
		return 0, info, fmt.Errorf("kernels/cuda: the CUDA driver is older than the CUDA runtime this needs: cuInit returned %s", d.errorName(res))
	default:
		return 0, info, fmt.Errorf("kernels/cuda: cuInit failed: %s", d.errorName(res))
	}
	var count, version int32
	if res := d.cuDeviceGetCount(&count); res != resultSuccess {
		return 0, info, fmt.Errorf("kernels/cuda: cuDeviceGetCount failed: %s", d.errorName(res))
	}
	if count == 0 {
		return 0, info, fmt.Errorf("kernels/cuda: no CUDA device: the driver reports 0 devices")
	}
	if ordinal < 0 || ordinal >= int(count) {
		return 0, info, fmt.Errorf("kernels/cuda: device %d requested, but the driver reports %d devices (0 to %d)", ordinal, count, count-1)
	}
	var dev int32
	if res := d.cuDeviceGet(&dev, int32(ordinal)); res != resultSuccess {
		return 0, info, fmt.Errorf("kernels/cuda: cuDeviceGet(%d) failed: %s", ordinal, d.errorName(res))
	}
	d.cuDriverGetVersion(&version)

	name := make([]byte, 256)
	d.cuDeviceGetName(&name[0], int32(len(name)), dev)
	info = DeviceInfo{Ordinal: ordinal, Name: goString(&name[0]), DriverVersion: int(version)}
	attr := func(a int32) int {
		var v int32
		d.cuDeviceGetAttribute(&v, a, dev)
		return int(v)
	}
	info.ComputeMajor, info.ComputeMinor = attr(attrComputeMajor), attr(attrComputeMinor)
	info.Multiprocessor = attr(attrMultiprocessors)
	info.SharedPerBlock = attr(attrMaxSharedPerBlock)
	d.cuDeviceTotalMem(&info.MemoryBytes, dev)

	// Double data rate: two transfers per clock over the bus.
	clockKHz, busBits := attr(attrMemoryClockKHz), attr(attrMemoryBusBits)
	info.PeakBandwidth = 2 * float64(clockKHz) * 1e3 * float64(busBits) / 8
	return dev, info, nil
}
