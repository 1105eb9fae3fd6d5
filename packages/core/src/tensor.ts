import type { DType, TypedArray } from './dtype';
import { dtypeOfArray, isFloat } from './dtype';
import { DTypeError, GraphError, ValueError, fmtShape } from './errors';
import type { Node } from './autograd/op';
import { backward as runTapeBackward, type BackwardOptions } from './autograd/backward';
import { INSPECT, type TensorJSON, formatTensor, tensorToJSON } from './format';
// Tensor's methods delegate to the op functions. The import is circular (ops create Tensors),
// which CommonJS resolves because neither side touches the other while loading.
import * as ops from './ops';
import type { Scalar, SliceSpec, TensorLike } from './ops';

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
  /** The elements, row-major. Writing into it bypasses the tape. */
  readonly data: TypedArray;
  /** Accumulated gradient after `backward()` (leaves, and tensors that `retainGrad()`). */
  grad: Tensor | null = null;
  /** A name shown in graph exports and errors. */
  name: string | null = null;
  /** The node that produced this tensor, or null for a leaf. */
  creator: Node | null = null;
  private requires = false;
  private retains = false;
  private hookList: GradHook[] | null = null;
  /**
   * @internal The serial number of the op allocation that made this tensor's buffer (0: the
   * buffer came from elsewhere — user data, a view, a copy). backward() uses it to tell
   * gradients it may keep without a copy.
   */
  allocation = 0;

  /** Wraps existing storage; prefer `tensor(...)` in user code. */
  constructor(data: TypedArray, shape: readonly number[]) {
    let n = 1;
    for (const d of shape) n *= d;
    if (n !== data.length) {
      throw new ValueError(`Tensor: shape ${fmtShape(shape)} holds ${n} elements but the data has ${data.length}`);
    }
    this.data = data;
    this.shape = shape;
    this.dtype = dtypeOfArray(data);
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

  /**
   * Back-propagates from this tensor, accumulating into the leaves' `.grad`. A scalar is seeded
   * with 1; any other shape needs `gy`.
   *
   * @example
   * x.mul(x).sum().backward(); x.grad; // 2x
   */
  backward(gy?: Tensor | null, options?: BackwardOptions): void {
    runTapeBackward(this, gy, options);
  }

  /** A tensor sharing this one's data, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
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

  /** Converts to another dtype (differentiable between float types). */
  astype(dtype: DType): Tensor {
    return ops.astype(this, dtype);
  }

  add(other: TensorLike): Tensor {
    return ops.add(this, other);
  }
  sub(other: TensorLike): Tensor {
    return ops.sub(this, other);
  }
  mul(other: TensorLike): Tensor {
    return ops.mul(this, other);
  }
  div(other: TensorLike): Tensor {
    return ops.div(this, other);
  }
  pow(exponent: TensorLike): Tensor {
    return ops.pow(this, exponent);
  }
  neg(): Tensor {
    return ops.neg(this);
  }
  exp(): Tensor {
    return ops.exp(this);
  }
  log(): Tensor {
    return ops.log(this);
  }
  sqrt(): Tensor {
    return ops.sqrt(this);
  }
  abs(): Tensor {
    return ops.abs(this);
  }
  square(): Tensor {
    return ops.square(this);
  }
  sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  tanh(): Tensor {
    return ops.tanh(this);
  }
  relu(): Tensor {
    return ops.relu(this);
  }
  leakyRelu(slope?: number): Tensor {
    return ops.leakyRelu(this, slope);
  }
  softmax(axis = -1): Tensor {
    return ops.softmax(this, axis);
  }
  logSoftmax(axis = -1): Tensor {
    return ops.logSoftmax(this, axis);
  }
  logSumExp(axis?: number | number[] | null, keepdims = false): Tensor {
    return ops.logSumExp(this, axis, keepdims);
  }
  sum(axis?: number | number[] | null, keepdims = false): Tensor {
    return ops.sum(this, axis, keepdims);
  }
  mean(axis?: number | number[] | null, keepdims = false): Tensor {
    return ops.mean(this, axis, keepdims);
  }
  max(axis?: number | number[] | null, keepdims = false): Tensor {
    return ops.max(this, axis, keepdims);
  }
  min(axis?: number | number[] | null, keepdims = false): Tensor {
    return ops.min(this, axis, keepdims);
  }
  argmax(axis?: number | null, keepdims = false): Tensor {
    return ops.argmax(this, axis, keepdims);
  }
  argmin(axis?: number | null, keepdims = false): Tensor {
    return ops.argmin(this, axis, keepdims);
  }
  matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  dot(other: Tensor): Tensor {
    return ops.dot(this, other);
  }
  repeat(repeats: number, axis?: number | null): Tensor {
    return ops.repeat(this, repeats, axis);
  }
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    return ops.reshape(this, shapeArgs(shape));
  }
  flatten(startAxis = 0, endAxis = -1): Tensor {
    return ops.flatten(this, startAxis, endAxis);
  }
  transpose(...axes: number[] | [readonly number[]]): Tensor {
    return ops.transpose(this, axes.length === 0 ? undefined : shapeArgs(axes));
  }
  /** The transpose (all axes reversed), like NumPy's `.T`. */
  get T(): Tensor {
    return ops.transpose(this);
  }
  broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  expandDims(axis: number): Tensor {
    return ops.expandDims(this, axis);
  }
  squeeze(axis?: number | number[] | null): Tensor {
    return ops.squeeze(this, axis);
  }
  slice(...specs: SliceSpec[]): Tensor {
    return ops.slice(this, specs);
  }
  gather(indices: Tensor | readonly number[], axis = 0): Tensor {
    return ops.gather(this, indices, axis);
  }
  take(indices: Tensor | readonly number[], axis = 0): Tensor {
    return ops.gather(this, indices, axis);
  }
  clip(min: number, max: number): Tensor {
    return ops.clip(this, min, max);
  }
  eq(other: TensorLike): Tensor {
    return ops.eq(this, other);
  }
  gt(other: TensorLike): Tensor {
    return ops.gt(this, other);
  }
  lt(other: TensorLike): Tensor {
    return ops.lt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return ops.ge(this, other);
  }
  le(other: TensorLike): Tensor {
    return ops.le(this, other);
  }
}

/** Nested JS arrays of numbers, as `toArray()` returns. */
export type NestedArray = number | NestedArray[];

export type { Scalar };

function shapeArgs(args: number[] | [readonly number[]]): readonly number[] {
  return args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly number[]) : (args as number[]);
}
