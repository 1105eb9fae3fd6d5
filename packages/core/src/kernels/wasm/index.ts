/**
 * The WASM SIMD kernel backend: float32 kernels compiled from packages/core/assembly by
 * AssemblyScript (`npm run build:wasm`), loaded synchronously on first use (in a browser, fetched ahead of time by `ready()`: preload.ts). float64 and int32
 * stay on the JS kernels, which are also the reference the WASM ones are tested against.
 */
export { createWasmBackend } from './backend';
export type { LazyPool } from './gemm';
export { Arena, WasmCall, align64 } from './arena';
export { loadWasm, compileModule, kernelModule, useFma, type WasmExports } from './module';
export { GemmPool } from './pool';
export { preloadWasm, wasmFeatures } from './preload';
export { chunkRows, planChunks } from './pool-job';
