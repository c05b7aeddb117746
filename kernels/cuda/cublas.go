package cuda

// cublasAPI holds the cuBLAS functions the backend calls. Every function
// returns a cublasStatus_t, 0 on success.
type cublasAPI struct {
	cublasCreate      func(handle *uintptr) int32                `sym:"cublasCreate_v2"`
	cublasDestroy     func(handle uintptr) int32                 `sym:"cublasDestroy_v2"`
	cublasGetVersion  func(handle uintptr, version *int32) int32 `sym:"cublasGetVersion_v2"`
	cublasSetMathMode func(handle uintptr, mode int32) int32     `sym:"cublasSetMathMode"`
	cublasSgemm       func(handle uintptr, transA, transB int32, m, n, k int32, alpha *float32,
		a uintptr, lda int32, b uintptr, ldb int32, beta *float32, c uintptr, ldc int32) int32 `sym:"cublasSgemm_v2"`
}

// cuBLAS enumerations (cublas_api.h).
const (
	cublasOpN = 0 // CUBLAS_OP_N
	cublasOpT = 1 // CUBLAS_OP_T

	cublasDefaultMath     = 0 // CUBLAS_DEFAULT_MATH: full FP32
	cublasTF32TensorMath  = 3 // CUBLAS_TF32_TENSOR_OP_MATH
	cublasStatusNotInited = 1
)

func cublasOp(trans bool) int32 {
	if trans {
		return cublasOpT
	}
	return cublasOpN
}
