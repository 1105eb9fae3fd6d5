import type { DType, TypedArray } from './dtype';

/**
 * Large buffers given back for reuse: the backward pass's dead gradients (autograd/backward.ts)
 * and ops' private work arrays (a recurrent op's activations, a convolution's columns), taken
 * again by `empty` for an array of the same dtype and length.
 *
 * Why: every fresh multi-megabyte typed array costs its zeroing and page faults, and V8 counts
 * it as external memory, so a step that makes several of them (a conv layer's 7 MB activations
 * and their gradients) sets off a scavenge and, every few steps, a full mark-compact to find
 * them dead and free them. Measured on figure E's SimpleConvNet step (one thread): memory
 * management was about a third of the step's CPU time. A buffer that is reused is neither
 * zeroed by calloc nor counted again, nor collected.
 *
 * Only buffers nobody else can reach come here: the engine gives back a gradient only when it
 * made it in this pass, delivered it to no other tensor, no hook saw it, and the op that
 * received it is one of tapegrad's own (whose rules never keep their incoming gradient); an op
 * gives back only what it allocated and never handed out. Arrays below {@link POOL_MIN_ELEMENTS}
 * are left to the garbage collector, which handles small ones cheaply. The pool keeps at most
 * {@link POOL_MAX_PER_SIZE} buffers of one size and {@link POOL_MAX_BYTES} in all; what does not
 * fit is dropped to the collector.
 */

/** Arrays shorter than this are never pooled. */
export const POOL_MIN_ELEMENTS = 1 << 16;
/** At most this many free buffers of one dtype and length. */
export const POOL_MAX_PER_SIZE = 6;
/** At most this many bytes held free in all. */
export const POOL_MAX_BYTES = 256 * 2 ** 20;

/**
 * @internal Whether an array over `buffer` could ever be pooled: the smallest pooled array
 * (POOL_MIN_ELEMENTS of a 4-byte dtype) fits in it. The engine tracks only such buffers.
 */
export function poolableBuffer(buffer: ArrayBufferLike): boolean {
  return buffer.byteLength >= POOL_MIN_ELEMENTS * 4;
}

const free = new Map<string, TypedArray[]>();
let heldBytes = 0;
let reused = 0;

const keyOf = (dtype: DType, n: number): string => `${dtype}:${n}`;

function dtypeOf(a: TypedArray): DType {
  return a instanceof Float32Array ? 'float32' : a instanceof Float64Array ? 'float64' : 'int32';
}

/**
 * @internal A free buffer of `n` elements of `dtype` (contents undefined), or undefined when
 * the pool has none.
 */
export function takeBuffer(dtype: DType, n: number): TypedArray | undefined {
  if (n < POOL_MIN_ELEMENTS) return undefined;
  const a = free.get(keyOf(dtype, n))?.pop();
  if (a !== undefined) {
    heldBytes -= a.byteLength;
    reused++;
  }
  return a;
}

/**
 * @internal Gives `a` back for reuse. The caller guarantees that nothing will read or write it
 * again. Only whole buffers are kept (not a view into a larger one).
 */
export function giveBuffer(a: TypedArray): void {
  if (a.length < POOL_MIN_ELEMENTS || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
  if (heldBytes + a.byteLength > POOL_MAX_BYTES) return;
  const key = keyOf(dtypeOf(a), a.length);
  const list = free.get(key);
  if (list === undefined) free.set(key, [a]);
  else if (list.length < POOL_MAX_PER_SIZE && !list.includes(a)) list.push(a);
  else return;
  heldBytes += a.byteLength;
}

/** What the buffer pool holds and has done (see {@link clearBufferPool}). */
export interface BufferPoolStats {
  /** Bytes held in free buffers. */
  heldBytes: number;
  /** Free buffers held. */
  buffers: number;
  /** Allocations served from the pool since the process started. */
  reused: number;
}

/**
 * What tapegrad's pool of large free buffers holds: gradients and work arrays of finished
 * backward passes, reused by the next step's tensors of the same size (at most 256 MB).
 *
 * @example
 * loss.backward();
 * bufferPoolStats().heldBytes; // e.g. 20736000
 */
export function bufferPoolStats(): BufferPoolStats {
  let buffers = 0;
  for (const list of free.values()) buffers += list.length;
  return { heldBytes, buffers, reused };
}

/**
 * Drops every free buffer of the pool to the garbage collector (as `torch.cuda.empty_cache`
 * does for PyTorch's caching allocator): after training, before a phase that needs the memory.
 *
 * @example
 * clearBufferPool();
 * bufferPoolStats().heldBytes; // 0
 */
export function clearBufferPool(): void {
  free.clear();
  heldBytes = 0;
}
