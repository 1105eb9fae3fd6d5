import fc from 'fast-check';
import { Rng, Tensor, noGrad, tensor } from '@tapegrad/core';
import { Choices, values } from './choices';
import { type Apply, type OpEntry } from './op-kit';
import { OPS } from './op-table';

/** What fast-check generates: the inputs' shapes and values, and the steps' raw choices. */
export interface Recipe {
  /** The common shape the inputs' shapes are derived from (rank 0–3). */
  base: number[];
  /** Per input: how many leading axes it drops and which axes it keeps as 1 (broadcasting). */
  inputs: { drop: number; ones: boolean[] }[];
  seed: number;
  steps: { op: number; operands: number[]; u: number[] }[];
}

/** A generated program: float64 inputs and the function of them that the steps compose. */
export interface Program {
  inputs: Tensor[];
  f: (...xs: Tensor[]) => Tensor;
  /** The op entries used, in order (for the report and the coverage count). */
  ops: string[];
}

export const arbRecipe: fc.Arbitrary<Recipe> = fc.record({
  base: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 }),
  inputs: fc.array(fc.record({ drop: fc.nat(3), ones: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }) }), {
    minLength: 1,
    maxLength: 3,
  }),
  seed: fc.nat(),
  steps: fc.array(
    fc.record({
      op: fc.nat(OPS.length - 1),
      operands: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
      u: fc.array(fc.nat(10_000), { minLength: 6, maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 5 },
  ),
});

/** Values larger than this are left out of programs (central differences lose digits on them). */
const LIMIT = 30;

/**
 * Builds the program a recipe describes: each step takes operands from the values so far
 * (inputs first, then results, later ones more often) and applies its op where the op's entry
 * accepts them; a step whose op does not apply, or whose result is not finite or beyond
 * {@link LIMIT}, is skipped. The last value computed is the output; a recipe none of whose steps
 * apply ends in `tanh` of the last input, so every program has at least one op.
 */
export function buildProgram(recipe: Recipe): Program {
  const rng = new Rng(recipe.seed);
  const shapes = recipe.inputs.map(({ drop, ones }) =>
    recipe.base.slice(Math.min(drop, recipe.base.length)).map((d, i) => (ones[i] ? 1 : d)),
  );
  const inputs = shapes.map((shape) => {
    const n = shape.reduce((p, d) => p * d, 1);
    return tensor(
      Array.from({ length: n }, () => rng.uniform(-2, 2)),
      { shape, dtype: 'float64' },
    );
  });
  const plan: { apply: Apply; from: number[] }[] = [];
  const ops: string[] = [];
  const pool = [...inputs];
  noGrad(() => {
    for (const step of recipe.steps) {
      const entry: OpEntry = OPS[step.op];
      // Operands: any value so far, the newest twice as likely.
      const from = step.operands.slice(0, entry.arity).map((k) => {
        const j = k % (pool.length + 1);
        return j === pool.length ? pool.length - 1 : j;
      });
      const xs = from.map((j) => pool[j]);
      const apply = entry.build(xs, new Choices(step.u));
      if (apply === null) continue;
      const y = apply(...xs);
      if (!values(y).every((v) => Number.isFinite(v) && Math.abs(v) <= LIMIT)) continue;
      plan.push({ apply, from });
      ops.push(entry.name);
      pool.push(y);
    }
  });
  if (plan.length === 0) {
    plan.push({ apply: (x) => x.tanh(), from: [inputs.length - 1] });
    ops.push('tanh');
  }
  const f = (...xs: Tensor[]): Tensor => {
    const vals = [...xs];
    for (const { apply, from } of plan) vals.push(apply(...from.map((j) => vals[j])));
    return vals[vals.length - 1];
  };
  return { inputs, f, ops };
}

/** A short description of a program for a failure message. */
export function describeProgram(p: Program): string {
  return `inputs ${p.inputs.map((x) => `[${x.shape.join(',')}]`).join(' ')}; ops ${p.ops.join(' → ')}`;
}
