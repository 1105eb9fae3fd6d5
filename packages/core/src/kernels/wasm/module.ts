import * as fs from 'fs';
import * as path from 'path';
import * as v8 from 'v8';
import type { TypedArray } from '../../dtype';

// The slice of the WebAssembly JS API used here (the ES2022 lib this project compiles against
// does not declare the WebAssembly namespace).
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

/** The raw exports of `kernels.wasm` (compiled from packages/core/assembly). */
export interface WasmExports {
  memory: WasmMemory;
  heapBase(): number;
  gemmScratchBytes(m: number, n: number, k: number): number;
  sgemm(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    s: number,
  ): void;
  /** sgemm restricted to rows [i0, i1) of C. */
  sgemmRows(
    a: number,
    b: number,
    c: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    s: number,
    i0: number,
    i1: number,
  ): void;
  binaryF32(op: number, a: number, b: number, out: number, n: number): void;
  binaryScalarF32(op: number, a: number, s: number, out: number, n: number): void;
  unaryF32(op: number, a: number, out: number, n: number): void;
  axpbyF32(alpha: number, x: number, beta: number, y: number, n: number): void;
  sigmoidGradF32(gy: number, y: number, out: number, n: number): void;
  addRowsF32(y: number, b: number, rows: number, cols: number): void;
  sumAxisF32(x: number, outer: number, len: number, inner: number, out: number): void;
  softmaxRowsF32(x: number, rows: number, cols: number, out: number, sums: number): void;
}

/**
 * Where the build puts a module: `kernels` (own memory) or `kernels-mt` (imported shared memory,
 * for the thread pool), each also as a `-fma` build whose matmul uses relaxed SIMD's fused
 * multiply-add. The same relative path works from the sources (packages/core/src/kernels/wasm,
 * under jest and ts-node) and from the build (packages/core/dist/kernels/wasm).
 *
 * @example
 * fs.existsSync(wasmPath()); // true after `npm run build`
 */
export function wasmPath(name: 'kernels' | 'kernels-mt' = 'kernels', fma = false): string {
  return path.resolve(__dirname, `../../../dist/wasm/${name}${fma ? '-fma' : ''}.wasm`);
}

let fmaChecked: boolean | null = null;

/**
 * Whether to use the `-fma` builds, whose matmul uses relaxed SIMD's fused multiply-add (~25%
 * faster; one rounding instead of two, so results differ from the plain build in the last bits).
 * TAPEGRAD_WASM_FMA: unset = when the engine supports relaxed SIMD as shipped (Node 22+); `1` =
 * also on Node 20, by turning on V8's --experimental-wasm-relaxed-simd before the module is
 * compiled (opt-in: it is an experimental engine flag there); `0` = never.
 *
 * @example
 * useFma(); // false on Node 20 unless TAPEGRAD_WASM_FMA=1
 */
export function useFma(): boolean {
  if (fmaChecked === null) {
    const wasm = (globalThis as unknown as { WebAssembly?: { validate(b: Uint8Array): boolean } }).WebAssembly;
    const file = wasmPath('kernels', true);
    const mode = process.env.TAPEGRAD_WASM_FMA;
    if (mode === '0' || wasm === undefined || !fs.existsSync(file)) fmaChecked = false;
    else {
      const bytes = fs.readFileSync(file);
      fmaChecked = wasm.validate(bytes);
      if (!fmaChecked && mode === '1') {
        v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
        fmaChecked = wasm.validate(bytes);
      }
    }
  }
  return fmaChecked;
}

/**
 * Compiles and instantiates the kernel module synchronously; returns null with the reason when
 * the file is missing or the engine lacks WASM SIMD (compilation then fails validation).
 *
 * @example
 * const r = loadWasm(); if (r.exports) r.exports.heapBase();
 */
export function loadWasm(file = wasmPath('kernels', useFma())): { exports: WasmExports | null; reason: string } {
  try {
    const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm === undefined) return { exports: null, reason: 'WebAssembly is not available' };
    if (!fs.existsSync(file)) return { exports: null, reason: `${file} not found (run npm run build)` };
    const mod = new wasm.Module(fs.readFileSync(file));
    const inst = new wasm.Instance(mod, {
      env: {
        abort: () => {
          throw new Error('tapegrad wasm kernel aborted');
        },
      },
    });
    return { exports: inst.exports as unknown as WasmExports, reason: '' };
  } catch (e) {
    return { exports: null, reason: `could not load ${file}: ${(e as Error).message}` };
  }
}

/**
 * A bump allocator over the module's memory, reset before each kernel call: operands are copied
 * in, the kernel runs, the result is copied out. Memory grows to the largest call seen and is
 * then reused, so steady-state calls allocate nothing in WASM.
 *
 * @example
 * arena.reset(); const p = arena.alloc(n); arena.commit(); arena.f32.set(x, p >> 2);
 */
export class Arena {
  /** A float32 view of the whole memory; valid until the next `commit` that grows it. */
  f32: Float32Array;
  private readonly base: number;
  private top: number;

  constructor(private readonly ex: WasmExports) {
    this.base = ex.heapBase();
    this.top = this.base;
    this.f32 = new Float32Array(ex.memory.buffer);
  }

  /** Frees everything allocated since the last reset; allocation restarts at or above `floor`. */
  reset(floor = 0): void {
    this.top = floor > this.base ? (floor + 63) & ~63 : this.base;
  }

  /** Reserves `floats` float32 slots (padded to whole v128 lanes, 64-byte aligned); a byte address. */
  alloc(floats: number): number {
    const p = this.top;
    this.top = p + ((floats * 4 + 63) & ~63);
    return p;
  }

  /** Reserves raw bytes, 64-byte aligned; a byte address. */
  allocBytes(bytes: number): number {
    const p = this.top;
    this.top = p + ((bytes + 63) & ~63);
    return p;
  }

  /** Copies the first `n` values of `x` to byte address `p` (after `commit`). */
  put(p: number, x: Float32Array, n: number): void {
    this.f32.set(x.length === n ? x : x.subarray(0, n), p >> 2);
  }

  /** Copies `n` floats from byte address `p` into `out` at `at`. */
  take(p: number, n: number, out: TypedArray, at = 0): void {
    out.set(this.f32.subarray(p >> 2, (p >> 2) + n), at);
  }

  /** Grows memory to cover every allocation so far; call before touching `f32`. */
  commit(): void {
    const have = this.ex.memory.buffer.byteLength;
    if (this.top > have) {
      this.ex.memory.grow(Math.ceil((this.top - have) / 65536));
      this.f32 = new Float32Array(this.ex.memory.buffer);
    } else if (this.f32.buffer !== this.ex.memory.buffer) {
      this.f32 = new Float32Array(this.ex.memory.buffer);
    }
  }
}
