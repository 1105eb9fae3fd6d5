// Entry point of the WASM kernel module: float32 SIMD kernels over raw pointers into this
// module's memory. The TypeScript side (src/kernels/wasm) owns the layout of that memory.
export { gemmScratchBytes, sgemm, sgemmRows } from './gemm';
export { addRowsF32, axpbyF32, binaryF32, binaryScalarF32, sigmoidGradF32, sumAxisF32, unaryF32 } from './elementwise';

/** First byte past the static data: the host may use memory from here on. */
export function heapBase(): usize {
  return (__heap_base + 63) & ~63;
}
export { softmaxRowsF32 } from './softmax';
