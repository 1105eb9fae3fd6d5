import type { TypedArray } from '../../dtype';
import type { WasmMemory } from './module';

/** Bytes in a WASM page. */
const PAGE = 65536;

/** `x` rounded up to a multiple of 64 — in float arithmetic: addresses may pass 2³¹. */
export function align64(x: number): number {
  return Math.ceil(x / 64) * 64;
}

/**
 * A bump allocator over a WASM memory, reset before each kernel call: operands are copied in,
 * the kernel runs, the result is copied out. The memory grows to the largest call seen and is
 * then reused, so steady-state calls allocate nothing in WASM. Addresses are byte offsets below
 * `capacity` (at most 4 GiB for 32-bit WASM), kept as plain numbers: no 32-bit bit operations
 * touch them, so they stay right past 2 GiB.
 *
 * @example
 * arena.reset(); const p = arena.alloc(n); if (arena.commit()) arena.put(p, x, n);
 */
export class Arena {
  /** A float32 view of the whole memory; valid until the next `commit` that grows it. */
  private f32: Float32Array;
  private top: number;

  /**
   * `base`: the first byte the arena may use; `capacity`: the memory's maximum size in bytes,
   * less a page, so that no kernel's end pointer (address + length) wraps around 2³².
   */
  constructor(
    private readonly memory: WasmMemory,
    private readonly base: number,
    readonly capacity: number,
  ) {
    this.top = base;
    this.f32 = new Float32Array(memory.buffer);
  }

  /** Frees everything allocated since the last reset; allocation restarts at or above `floor`. */
  reset(floor = 0): void {
    this.top = floor > this.base ? align64(floor) : this.base;
  }

  /** Reserves `floats` float32 slots, 64-byte aligned (whole v128 lanes); a byte address. */
  alloc(floats: number): number {
    return this.allocBytes(floats * 4);
  }

  /** Reserves raw bytes, 64-byte aligned; a byte address. */
  allocBytes(bytes: number): number {
    const p = this.top;
    this.top = p + align64(bytes);
    return p;
  }

  /**
   * Grows the memory to cover every allocation so far; false (memory unchanged) when they do not
   * fit under `capacity` or the engine cannot grow it. Call before `put`/`take`.
   */
  commit(): boolean {
    if (this.top > this.capacity - PAGE) return false;
    // The view is stale when the memory grew (its old buffer is then detached, length 0, or —
    // shared memory — still the old size); `memory.buffer` is a slow accessor, so the view's own
    // length says when to look.
    if (this.top > this.f32.byteLength) {
      const have = this.memory.buffer.byteLength;
      if (this.top > have) {
        try {
          this.memory.grow(Math.ceil((this.top - have) / PAGE));
        } catch {
          return false;
        }
      }
      this.f32 = new Float32Array(this.memory.buffer);
    }
    return true;
  }

  /** Copies `n` floats of `x` from `offset` to byte address `p` (after `commit`). */
  put(p: number, x: Float32Array, n: number, offset = 0): void {
    this.f32.set(offset === 0 && x.length === n ? x : x.subarray(offset, offset + n), p / 4);
  }

  /** Copies `n` floats from byte address `p` into `out` at `at`. */
  take(p: number, n: number, out: TypedArray, at = 0): void {
    const i = p / 4;
    out.set(this.f32.subarray(i, i + n), at);
  }
}

/** Where one operand of a call lives outside WASM memory. */
interface Operand {
  data: TypedArray | null;
  offset: number;
  length: number;
  address: number;
}

/**
 * The one way into a WASM kernel: `begin`, reserve the operands (`input`, `output`, `inout`,
 * `scratch` return their byte addresses), `start` (the memory grows and the inputs are copied
 * in — or it returns false, having touched nothing, when the operands do not fit), call the
 * kernel, `finish` (the outputs are copied back). One instance serves every call of a backend:
 * nothing is allocated per call, and it forgets the caller's arrays once a call is done.
 *
 * @example
 * const c = call.begin(); const pa = c.input(a), po = c.output(out);
 * if (!c.start()) return false; ex.unaryF32(op, pa, po, out.length); return c.finish();
 */
export class WasmCall {
  private readonly ins: Operand[] = [];
  private readonly outs: Operand[] = [];
  private nIn = 0;
  private nOut = 0;

  constructor(readonly arena: Arena) {}

  /** Starts a call: the arena is reset (allocation from `floor` up). */
  begin(floor = 0): this {
    this.arena.reset(floor);
    this.nIn = 0;
    this.nOut = 0;
    return this;
  }

  /** `length` floats of `x` from `offset`, copied in. */
  input(x: Float32Array, length = x.length, offset = 0): number {
    const p = this.arena.alloc(length);
    this.note(this.ins, this.nIn++, x, length, offset, p);
    return p;
  }

  /** `length` floats written by the kernel, copied to `x` from `offset` afterwards. */
  output(x: TypedArray, length = x.length, offset = 0): number {
    const p = this.arena.alloc(length);
    this.note(this.outs, this.nOut++, x, length, offset, p);
    return p;
  }

  /** `x`, copied in and back (a kernel that updates in place). */
  inout(x: Float32Array, length = x.length): number {
    const p = this.input(x, length);
    this.note(this.outs, this.nOut++, x, length, 0, p);
    return p;
  }

  /** Scratch bytes for the kernel, neither copied in nor out. */
  scratch(bytes: number): number {
    return this.arena.allocBytes(bytes);
  }

  /**
   * Grows the memory to hold the reserved operands and copies the inputs in; false, having
   * touched nothing, when they do not fit. Then call the kernel, and `finish`.
   */
  start(): boolean {
    const arena = this.arena;
    if (!arena.commit()) {
      this.forget();
      return false;
    }
    for (let i = 0; i < this.nIn; i++) {
      const o = this.ins[i];
      arena.put(o.address, o.data as Float32Array, o.length, o.offset);
    }
    return true;
  }

  /** Copies the outputs back after the kernel ran; returns true (the call is done). */
  finish(): true {
    for (let i = 0; i < this.nOut; i++) {
      const o = this.outs[i];
      this.arena.take(o.address, o.length, o.data!, o.offset);
    }
    this.forget();
    return true;
  }

  // Drops the references to the caller's arrays, so a finished call keeps nothing alive.
  private forget(): void {
    for (let i = 0; i < this.nIn; i++) this.ins[i].data = null;
    for (let i = 0; i < this.nOut; i++) this.outs[i].data = null;
  }

  private note(list: Operand[], i: number, data: TypedArray, length: number, offset: number, address: number): void {
    const o = (list[i] ??= { data: null, offset: 0, length: 0, address: 0 });
    o.data = data;
    o.offset = offset;
    o.length = length;
    o.address = address;
  }
}
