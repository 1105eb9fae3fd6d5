/**
 * The WASM SIMD kernel backend: float32 kernels compiled from packages/core/assembly by
 * AssemblyScript (`npm run build:wasm`), loaded synchronously. float64 and int32 stay on the JS
 * kernels, which are also the reference the WASM ones are tested against.
 */
export { createWasmBackend, thresholds } from './backend';
export { loadWasm, useFma, wasmPath, Arena, type WasmExports } from './module';
export { GemmPool } from './pool';
