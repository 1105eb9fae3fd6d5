/**
 * Functional transforms over the tape: grad, valueAndGrad, vjp, jvp, hvp, jacobian, hessian.
 *
 * How an input enters a transform (JAX lifts every input to a fresh tracer of the transform's
 * own level; DeZero differentiates the caller's own Variables and leaves `.grad` on them). Here
 * each differentiated argument `x` is replaced, for the duration of the call, by a stand-in:
 * - if recording is on and `x` requires grad (a parameter, or a stand-in of an outer transform),
 *   the stand-in is `identity(x)`, a recorded node: the inner backward stops at it, and the
 *   inner gradient, built with `createGraph`, stays connected to `x` so that an outer transform
 *   (or `backward()`) can differentiate it again — that is what makes `grad(grad(f))` work;
 * - otherwise (a plain tensor, or any call inside `noGrad`) the stand-in is a fresh leaf that
 *   shares `x`'s data and requires grad: `x` is a constant to everything outside.
 * The caller's tensors are never mutated and never get a `.grad` (backward runs with `targets`).
 * Passing one tensor as two arguments gives two stand-ins, so each gets its own gradient.
 *
 * A result is differentiable (has a graph) exactly when recording was on at the call and the
 * computation reached a tensor requiring grad from outside the transform (an outer stand-in, a
 * closed-over parameter, a cotangent/tangent that requires grad); otherwise results are plain
 * tensors and the transform's own graph is freed. `{ createGraph: false }` (or calling inside
 * `noGrad`) makes every input a constant and every result plain; `{ createGraph: true }` connects
 * even inside `noGrad`.
 */
import { zerosLike, onesLike } from '../creation';
import { ShapeError, ValueError, fmtShape } from '../errors';
import { add } from '../ops/add';
import { astype } from '../ops/cast';
import { concat } from '../ops/concat';
import { mul } from '../ops/mul';
import { reshape } from '../ops/reshape';
import { sum } from '../ops/sum';
import { shapesEqual } from '../shape';
import type { Tensor } from '../tensor';
import { enableGrad, isGradEnabled } from '../autograd/grad-mode';
import { type TensorFn, callF, checkScalar, finish, lift, pullback, reachesOuter } from './lift';

export type { TensorFn } from './lift';

/** Which arguments to differentiate: one index (the gradient is one tensor) or several (an array). */
export type Argnums = number | readonly number[];

/** Options of every transform. */
export interface TransformOptions {
  /**
   * Whether results may carry a graph (be differentiable again). Default: when recording is on
   * and the computation touched a tensor requiring grad from outside the transform. `false`
   * treats every input as a constant and returns plain tensors, the fast choice in a training
   * loop over parameters (as is calling the transform inside `noGrad`).
   */
  createGraph?: boolean;
}

/** Options of {@link grad} and {@link valueAndGrad}. */
export interface GradOptions<A extends Argnums> extends TransformOptions {
  /** The argument(s) to differentiate. Default 0. */
  argnums?: A;
}

/** Whether stand-ins may connect to outer graph: recording on, unless the caller said no. */
function connecting(options: TransformOptions): boolean {
  return options.createGraph ?? isGradEnabled();
}

/** One tensor for a single argnum, an array (in argnums order) for several. */
export type GradsOf<A extends Argnums> = A extends number ? Tensor : Tensor[];

function positionsOf(argnums: Argnums): number[] {
  return typeof argnums === 'number' ? [argnums] : [...argnums];
}

/**
 * `f` transformed to return the gradient of its scalar result w.r.t. the arguments in `argnums`
 * (default 0): one tensor for a number, an array for a list (JAX's `grad`). Pure: no `.grad` is
 * written. Composes: `grad(grad(f))` is the second derivative.
 *
 * @example
 * const df = grad((x: Tensor) => x.pow(3).sum());
 * df(tensor([2])); // [12]
 */
export function grad<F extends TensorFn, A extends Argnums = 0>(
  f: F,
  options: GradOptions<A> = {},
): (...args: Parameters<F>) => GradsOf<A> {
  const vg = valueAndGrad(f, options);
  return (...args) => vg(...args).grads;
}

/**
 * Like {@link grad}, and also returns f's value: `{ value, grads }` (tfjs's `valueAndGrads`).
 * Saves a second forward pass in training loops.
 *
 * @example
 * const { value, grads } = valueAndGrad((w: Tensor) => w.square().sum())(tensor([3]));
 * value.item(); grads.toArray(); // 9, [6]
 */
export function valueAndGrad<F extends TensorFn, A extends Argnums = 0>(
  f: F,
  options: GradOptions<A> = {},
): (...args: Parameters<F>) => { value: Tensor; grads: GradsOf<A> } {
  const argnums = (options.argnums ?? 0) as Argnums;
  const positions = positionsOf(argnums);
  return (...args) => {
    const recording = connecting(options);
    return enableGrad(() => {
      const { args: lifted, xs, fresh } = lift('grad', args, positions, recording);
      const y = callF('grad', f, lifted);
      checkScalar('grad', y);
      const nested = recording && reachesOuter([y], fresh);
      const gs = pullback([y], [onesLike(y)], xs, nested);
      const grads = (typeof argnums === 'number' ? gs[0] : gs) as GradsOf<A>;
      return { value: finish(y, nested), grads };
    });
  };
}

/**
 * Vector-Jacobian product: runs `f(...inputs)` and pulls `cotangent` (shaped like f's output)
 * back to every input. Returns `{ value, grads }`, one gradient per input, like
 * {@link valueAndGrad} does for a scalar f (where the cotangent is 1).
 *
 * @example
 * const { value, grads: [gx] } = vjp((x) => x.mul(x), [tensor([1, 2])], tensor([1, 1]));
 * gx.toArray(); // [2, 4]
 */
export function vjp(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  cotangent: Tensor,
  options: TransformOptions = {},
): { value: Tensor; grads: Tensor[] } {
  const recording = connecting(options);
  return enableGrad(() => {
    const { args, xs, fresh } = lift(
      'vjp',
      inputs,
      inputs.map((_, i) => i),
      recording,
    );
    const y = callF('vjp', f, args);
    if (!shapesEqual(cotangent.shape, y.shape)) {
      throw new ShapeError(
        `vjp: the cotangent has shape ${fmtShape(cotangent.shape)} but f's output has shape ${fmtShape(y.shape)}`,
      );
    }
    const seed = astype(cotangent, y.dtype);
    const nested = recording && (cotangent.requiresGrad || reachesOuter([y], fresh));
    return { value: finish(y, nested), grads: pullback([y], [seed], xs, nested) };
  });
}

/** Σᵢ ⟨aᵢ, bᵢ⟩ over the pairs where a carries graph; null when none does. */
function innerProduct(as: readonly Tensor[], bs: readonly Tensor[]): Tensor | null {
  let s: Tensor | null = null;
  as.forEach((a, i) => {
    if (!a.requiresGrad) return;
    const term = sum(mul(a, astype(bs[i], a.dtype)));
    s = s === null ? term : add(s, term);
  });
  return s;
}

function checkLike(who: string, what: string, xs: readonly Tensor[], vs: readonly Tensor[]): void {
  if (vs.length !== xs.length) {
    throw new ValueError(`${who}: got ${vs.length} ${what} for ${xs.length} inputs`);
  }
  vs.forEach((v, i) => {
    if (!shapesEqual(v.shape, xs[i].shape)) {
      throw new ShapeError(`${who}: ${what} ${i} has shape ${fmtShape(v.shape)}, input ${i} ${fmtShape(xs[i].shape)}`);
    }
  });
}

/**
 * Jacobian-vector product J·v (forward mode), computed by the double-vjp trick: g(u) = Jᵀu is
 * linear in a dummy u, and J·v = ∂⟨g(u), v⟩/∂u. Returns `{ value, tangent }`, the tangent
 * shaped like f's output.
 *
 * @example
 * const { tangent } = jvp((x) => x.mul(x), [tensor([1, 2])], [tensor([1, 0])]);
 * tangent.toArray(); // [2, 0]
 */
export function jvp(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  tangents: readonly Tensor[],
  options: TransformOptions = {},
): { value: Tensor; tangent: Tensor } {
  checkLike('jvp', 'tangents', inputs, tangents);
  const recording = connecting(options);
  return enableGrad(() => {
    const { args, xs, fresh } = lift(
      'jvp',
      inputs,
      inputs.map((_, i) => i),
      recording,
    );
    const y = callF('jvp', f, args);
    const nested = recording && (tangents.some((v) => v.requiresGrad) || reachesOuter([y], fresh));
    const u = zerosLike(y);
    u.requiresGrad = true;
    const gs = pullback([y], [u], xs, true);
    const s = innerProduct(gs, tangents);
    const [tangent] = s === null ? [zerosLike(y)] : pullback([s], [onesLike(s)], [u], nested);
    return { value: finish(y, nested), tangent };
  });
}

/**
 * Hessian-vector products H·v of a scalar f, one per input (reverse over reverse: the gradient
 * of ⟨∇f, v⟩), without forming H.
 *
 * @example
 * const [hv] = hvp((x) => x.pow(3).sum(), [tensor([1, 2])], [tensor([1, 1])]);
 * hv.toArray(); // [6, 12]
 */
export function hvp(
  f: (...xs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  vectors: readonly Tensor[],
  options: TransformOptions = {},
): Tensor[] {
  checkLike('hvp', 'vectors', inputs, vectors);
  const recording = connecting(options);
  return enableGrad(() => {
    const { args, xs, fresh } = lift(
      'hvp',
      inputs,
      inputs.map((_, i) => i),
      recording,
    );
    const y = callF('hvp', f, args);
    checkScalar('hvp', y);
    const nested = recording && (vectors.some((v) => v.requiresGrad) || reachesOuter([y], fresh));
    const gs = pullback([y], [onesLike(y)], xs, true);
    const s = innerProduct(gs, vectors);
    return s === null ? xs.map((x) => zerosLike(x)) : pullback([s], [onesLike(s)], xs, nested);
  });
}

/**
 * The Jacobian of `f` at `x`, shaped `[...f(x).shape, ...x.shape]` (JAX's `jacrev`), one
 * backward per output element: for small outputs.
 *
 * @example
 * jacobian((x) => x.mul(x), tensor([1, 2])); // [[2, 0], [0, 4]]
 */
export function jacobian(f: (x: Tensor) => Tensor, x: Tensor, options: TransformOptions = {}): Tensor {
  const recording = connecting(options);
  return enableGrad(() => {
    const { args, xs, fresh } = lift('jacobian', [x], [0], recording);
    const y = callF('jacobian', f, args);
    const nested = recording && reachesOuter([y], fresh);
    const rows: Tensor[] = [];
    for (let i = 0; i < y.size; i++) {
      const seed = zerosLike(y);
      seed.data[i] = 1;
      rows.push(reshape(pullback([y], [seed], xs, nested, true)[0], [1, x.size]));
    }
    if (rows.length === 0) return zerosLike(y).reshape([...y.shape, ...x.shape]);
    return reshape(concat(rows, 0), [...y.shape, ...x.shape]);
  });
}

/**
 * The Hessian of a scalar `f` at `x`, shaped `[...x.shape, ...x.shape]`: the Jacobian of the
 * gradient. For small inputs.
 *
 * @example
 * hessian((x) => x.pow(3).sum(), tensor([1, 2])); // [[6, 0], [0, 12]]
 */
export function hessian(f: (x: Tensor) => Tensor, x: Tensor, options: TransformOptions = {}): Tensor {
  const g = grad(f);
  return jacobian((z) => g(z), x, options);
}
