/**
 * The machinery shared by the functional transforms: stand-ins for the differentiated inputs,
 * the test for "does this result belong to an outer graph", and the pullback itself. The design
 * is described in `functional.ts`.
 */
import { zerosLike } from '../creation';
import { isFloat } from '../dtype';
import { DTypeError, ShapeError, ValueError, fmtShape } from '../errors';
import { Tensor, viewOf } from '../tensor';
import { runBackward } from '../autograd/backward';
import { defineOp, runOp } from '../autograd/op';

/** A function of tensors (and any other arguments) returning a tensor. */
export type TensorFn = (...args: never[]) => Tensor;

/** The stand-in of an input that carries outer graph: shares the data, gradient passes through. */
const identityOp = defineOp({
  name: 'identity',
  forward: ([x]) => viewOf(x, x.shape),
  backward: (gy) => [gy],
});

export interface Lifted {
  /** The arguments with stand-ins in the differentiated positions. */
  args: unknown[];
  /** The stand-ins, one per differentiated position, in the order asked. */
  xs: Tensor[];
  /** Stand-ins that are fresh leaves (constants to the outside). */
  fresh: Set<Tensor>;
}

export function lift(who: string, args: readonly unknown[], positions: readonly number[], recording: boolean): Lifted {
  const out = [...args];
  const fresh = new Set<Tensor>();
  const byPos = new Map<number, Tensor>();
  for (const i of positions) {
    if (!Number.isInteger(i) || i < 0 || i >= args.length) {
      throw new ValueError(`${who}: argnum ${i} is out of range for a call with ${args.length} arguments`);
    }
    if (byPos.has(i)) continue;
    const x = args[i];
    if (!(x instanceof Tensor)) throw new ValueError(`${who}: argument ${i} must be a Tensor, got ${typeof x}`);
    if (!isFloat(x.dtype)) {
      throw new DTypeError(
        `${who}: argument ${i} is ${x.dtype} ${fmtShape(x.shape)}; only float tensors can be differentiated ` +
          `(leave it out of argnums, or convert with .astype('float64'))`,
      );
    }
    let z: Tensor;
    if (recording && x.requiresGrad) {
      z = runOp(identityOp, [x], undefined);
    } else {
      z = viewOf(x, x.shape);
      z.requiresGrad = true;
      fresh.add(z);
    }
    z.name = x.name;
    byPos.set(i, z);
    out[i] = z;
  }
  return { args: out, xs: positions.map((i) => byPos.get(i)!), fresh };
}

/** Whether `roots` were computed from a tensor requiring grad that the transform did not make. */
export function reachesOuter(roots: readonly Tensor[], fresh: ReadonlySet<Tensor>): boolean {
  const seen = new Set<Tensor>();
  const stack = roots.filter((r) => r.requiresGrad);
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t)) continue;
    seen.add(t);
    const node = t.creator;
    if (node === null) {
      if (!fresh.has(t)) return true;
      continue;
    }
    if (node.op === identityOp) return true;
    for (const x of node.inputs) if (x.requiresGrad && !seen.has(x)) stack.push(x);
  }
  return false;
}

export function callF(who: string, f: TensorFn, args: readonly unknown[]): Tensor {
  const y = (f as (...a: unknown[]) => unknown)(...args);
  if (!(y instanceof Tensor)) throw new ValueError(`${who}: f must return a Tensor, got ${typeof y}`);
  return y;
}

export function checkScalar(who: string, y: Tensor): void {
  if (y.size !== 1) {
    throw new ShapeError(
      `${who}: f must return a scalar (one element), got shape ${fmtShape(y.shape)}; use vjp or jacobian for ` +
        `non-scalar outputs, or reduce with .sum()`,
    );
  }
  if (!isFloat(y.dtype)) throw new DTypeError(`${who}: f must return a float tensor, got ${y.dtype}`);
}

/** Gradients of `ys` (seeded) w.r.t. `xs`; zeros where unreached. */
export function pullback(
  ys: readonly Tensor[],
  seeds: readonly Tensor[],
  xs: readonly Tensor[],
  createGraph: boolean,
  retainGraph = createGraph,
): Tensor[] {
  const live = ys.map((_, i) => i).filter((i) => ys[i].requiresGrad);
  const gs =
    live.length === 0
      ? xs.map(() => null)
      : runBackward(
          live.map((i) => ys[i]),
          live.map((i) => seeds[i]),
          { targets: xs, createGraph, retainGraph },
        );
  const seen = new Set<Tensor>();
  return gs.map((g, i) => {
    if (g === null) return zerosLike(xs[i]);
    // One rule may hand the same tensor to two inputs (add's gy): give each its own.
    if (seen.has(g) && !createGraph) return new Tensor(g.data.slice(), g.shape);
    seen.add(g);
    return g;
  });
}

/** The value a transform returns: connected when nested, otherwise cut from the freed graph. */
export function finish(y: Tensor, nested: boolean): Tensor {
  return nested ? y : viewOf(y, y.shape);
}
