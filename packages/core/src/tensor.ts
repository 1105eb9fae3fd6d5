import type { DType, TypedArray } from './dtype';
import { dtypeOfArray, isFloat } from './dtype';
import { DTypeError, GraphError, ShapeError, ValueError, fmtShape } from './errors';
import type { Node } from './autograd/op';
import { INSPECT, type TensorJSON, formatTensor, tensorToJSON } from './format';

/** A gradient hook: sees a gradient during backward and may return a replacement. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** Handle returned by `registerHook`; `remove()` unregisters the hook. */
export interface HookHandle {
  remove(): void;
}

/**
 * An N-dimensional array: row-major contiguous typed-array storage plus its place on the tape.
 * Create tensors with `tensor`, `zeros`, `randn` …; every op is also a method.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * x.mul(x).sum().backward(); // x.grad = 2x
 */
export class Tensor {
  /** The extent of each axis; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The element type. */
  readonly dtype: DType;
  /**
   * The elements, row-major. Writing into it bypasses the tape and the version counter (as
   * `.data` in PyTorch): call `incrementVersion(t)` after such a write, or write with
   * `copy_`/`fill_`/`zero_`, so that a backward that needs the old values fails instead.
   */
  readonly data: TypedArray;
  private gradValue: Tensor | null = null;
  /** A name shown in graph exports and errors. */
  name: string | null = null;
  /** The node that produced this tensor, or null for a leaf. */
  creator: Node | null = null;
  private requires = false;
  private retains = false;
  private hookList: GradHook[] | null = null;
  /**
   * @internal The serial number of the op allocation that made this tensor's buffer, shared by
   * its views (0: the buffer came from elsewhere — user data, a copy). backward() uses it to
   * tell gradients it may keep without a copy, and dead ones whose buffer it may reuse.
   */
  allocation = 0;
  /**
   * @internal Declared by `markIntermediate`: only the tape holds this tensor, so a backward that
   * frees the graph may reuse its buffer (autograd/intermediates.ts).
   */
  intermediate = false;
  /**
   * @internal Counts the in-place writes to this tensor's data; shared with its views (see
   * {@link viewOf}); null until a write or a view needs it.
   */
  versionCounter: VersionCounter | null = null;

  /**
   * Wraps existing storage (a Float32Array, Float64Array or Int32Array; no copy); prefer
   * `tensor(...)` in user code. A tensor made this way over another's data is not its view:
   * it has its own version counter.
   */
  constructor(data: TypedArray, shape: readonly number[]) {
    const dtype = dtypeOfArray(data);
    if (!Array.isArray(shape)) throw new ShapeError(`Tensor: shape must be an array of non-negative integers`);
    let n = 1;
    for (let i = 0; i < shape.length; i++) {
      const d = shape[i];
      if (!Number.isInteger(d) || d < 0) {
        throw new ShapeError(`Tensor: shape ${fmtShape(shape)} must hold non-negative integers`);
      }
      n *= d;
    }
    if (n !== data.length) {
      throw new ValueError(`Tensor: shape ${fmtShape(shape)} holds ${n} elements but the data has ${data.length}`);
    }
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
  }

  /**
   * Accumulated gradient after `backward()` (leaves, and tensors that `retainGrad()`). May be
   * set to null or to a tensor of this tensor's shape and dtype (anything else is a typed error:
   * the next backward would accumulate into it).
   */
  get grad(): Tensor | null {
    return this.gradValue;
  }

  set grad(g: Tensor | null) {
    if (g !== null) {
      if (!(g instanceof Tensor)) {
        const got = g === undefined ? 'undefined' : typeof g === 'object' ? 'an object' : `${typeof g} ${String(g)}`;
        throw new ValueError(`Tensor.grad: the gradient must be a Tensor or null, got ${got}`);
      }
      if (!sameShape(g.shape, this.shape)) {
        throw new ShapeError(
          `Tensor.grad: the gradient has shape ${fmtShape(g.shape)} but the tensor has shape ${fmtShape(this.shape)}`,
        );
      }
      if (g.dtype !== this.dtype) {
        throw new DTypeError(`Tensor.grad: the gradient is ${g.dtype} but the tensor is ${this.dtype}`);
      }
    }
    this.gradValue = g;
  }

  /**
   * How many in-place writes this tensor's data has had (PyTorch's `_version`): `copy_`,
   * `fill_`, `zero_`, optimiser steps, `loadStateDict`, `incrementVersion`. backward() compares
   * it with the version each node saw when it was recorded.
   */
  get version(): number {
    const c = this.versionCounter;
    return c === null ? 0 : c.value;
  }

  /** Number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** Number of axes. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Whether gradients flow to this tensor. Only float tensors can require grad. */
  get requiresGrad(): boolean {
    return this.requires;
  }

  set requiresGrad(on: boolean) {
    if (typeof on !== 'boolean') throw new ValueError(`requiresGrad: must be true or false, got ${String(on)}`);
    if (on && !isFloat(this.dtype)) {
      throw new DTypeError(`requiresGrad: only float tensors can require gradients, got ${this.dtype}`);
    }
    if (!on && this.creator !== null) {
      throw new GraphError(`requiresGrad: cannot turn off on a non-leaf tensor; use detach()`);
    }
    this.requires = on;
  }

  /** True for tensors made by the user rather than by a recorded op. */
  get isLeaf(): boolean {
    return this.creator === null;
  }

  /** Whether this non-leaf keeps its gradient in `.grad` (see `retainGrad`). */
  get retainsGrad(): boolean {
    return this.retains;
  }

  /** @internal Called by the engine when a node is recorded. */
  setCreator(node: Node): void {
    this.creator = node;
    this.requires = true;
  }

  /** Keep this non-leaf tensor's gradient in `.grad` during backward. Returns `this`. */
  retainGrad(): this {
    if (!this.requires)
      throw new GraphError(`retainGrad: tensor of shape ${fmtShape(this.shape)} does not require grad`);
    this.retains = true;
    return this;
  }

  /**
   * Registers `hook`, called with this tensor's gradient during backward; a returned tensor
   * replaces the gradient.
   *
   * @example
   * const h = x.registerHook((g) => g.mul(2)); y.backward(); h.remove();
   */
  registerHook(hook: GradHook): HookHandle {
    if (!this.requires)
      throw new GraphError(`registerHook: tensor of shape ${fmtShape(this.shape)} does not require grad`);
    (this.hookList ??= []).push(hook);
    return {
      remove: () => {
        const list = this.hookList;
        const i = list ? list.indexOf(hook) : -1;
        if (list && i >= 0) list.splice(i, 1);
      },
    };
  }

  /** @internal Whether any gradient hook is registered. */
  get hasHooks(): boolean {
    return this.hookList !== null && this.hookList.length > 0;
  }

  /** @internal Runs the registered hooks over a gradient. */
  applyHooks(grad: Tensor): Tensor {
    const list = this.hookList;
    if (list === null || list.length === 0) return grad;
    for (const hook of [...list]) {
      const g = hook(grad);
      if (g instanceof Tensor) {
        if (
          g.dtype !== grad.dtype ||
          g.shape.length !== grad.shape.length ||
          g.shape.some((d, i) => d !== grad.shape[i])
        ) {
          throw new GraphError(
            `registerHook: hook returned ${fmtShape(g.shape)} (${g.dtype}) for a gradient of ${fmtShape(grad.shape)} (${grad.dtype})`,
          );
        }
        grad = g;
      }
    }
    return grad;
  }

  /** A tensor sharing this one's data (and version counter), cut from the graph. */
  detach(): Tensor {
    return viewOf(this, this.shape);
  }

  /** Clears `.grad`. */
  zeroGrad(): void {
    this.grad = null;
  }

  /** The single element of a one-element tensor as a number. */
  item(): number {
    if (this.size !== 1)
      throw new ValueError(`item: needs a tensor with one element, got shape ${fmtShape(this.shape)}`);
    return this.data[0];
  }

  /** The elements as nested JS arrays (a number for a scalar). */
  toArray(): NestedArray {
    const { data, shape } = this;
    if (shape.length === 0) return data[0];
    const build = (axis: number, offset: number, stride: number): NestedArray[] | number[] => {
      const n = shape[axis];
      const inner = stride / n;
      const out = new Array(n);
      for (let i = 0; i < n; i++)
        out[i] = axis === shape.length - 1 ? data[offset + i] : build(axis + 1, offset + i * inner, inner);
      return out;
    };
    return build(0, 0, this.size);
  }

  /** Readable, PyTorch-style: `tensor([[1, 2], [3, 4]], dtype=float32, shape=[2,2])`. */
  toString(): string {
    return formatTensor(this);
  }

  /** `console.log(t)` and `util.inspect(t)` print {@link Tensor.toString}, not the fields. */
  [INSPECT](): string {
    return formatTensor(this);
  }

  /** `JSON.stringify(t)` gives `{ dtype, shape, data }` with the values as nested arrays. */
  toJSON(): TensorJSON {
    return tensorToJSON(this);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** @internal The in-place write count a tensor shares with its views. */
export interface VersionCounter {
  value: number;
}

/**
 * @internal A tensor of `shape` over `base`'s data that shares its version counter, so that a
 * write through either is seen by backward wherever the other was saved (reshape, detach).
 *
 * @example
 * forward: ([x], { shape }) => viewOf(x, shape), // reshape's forward
 */
export function viewOf(base: Tensor, shape: readonly number[]): Tensor {
  const t = new Tensor(base.data, shape);
  t.versionCounter = base.versionCounter ??= { value: 0 };
  t.allocation = base.allocation;
  return t;
}

/** Nested JS arrays of numbers, as `toArray()` returns. */
export type NestedArray = number | NestedArray[];
