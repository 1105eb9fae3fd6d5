import fc from 'fast-check';
import { gradcheck, gradgradcheck } from '@tapegrad/core/testing';
import { OPS } from './programs/op-table';
import { arbRecipe, buildProgram, describeProgram } from './programs/program';

// #18: random compositions of every public differentiable op (programs/op-table.ts and the
// tables it spreads: one entry per op, the conv/pool/pad/fold family and batchNorm with random
// kernel sizes, strides, paddings, dilations and groups, the recurrent cells and lstmSequence),
// over broadcasting shapes and rank-0 tensors, reductions over every axis, exponents 0 and 1
// among others, in float64. First derivatives (gradcheck) and second derivatives
// (gradgradcheck, double backprop) must match central differences, with a random upstream
// gradient each time.

const PROGRAMS = 2000;

test(`${PROGRAMS} generated programs: first and second derivatives match central differences`, () => {
  const used = new Map<string, number>();
  let checked = 0;
  fc.assert(
    fc.property(arbRecipe, (recipe) => {
      const program = buildProgram(recipe);
      for (const name of program.ops) used.set(name, (used.get(name) ?? 0) + 1);
      const first = gradcheck(program.f, program.inputs, { raise: false });
      if (!first.ok) throw new Error(`${describeProgram(program)}: ${first.message}`);
      const second = gradgradcheck(program.f, program.inputs, { raise: false });
      if (!second.ok) throw new Error(`${describeProgram(program)}: ${second.message}`);
      checked++;
    }),
    { numRuns: PROGRAMS, seed: Number(process.env.PROGRAMS_SEED ?? 18) },
  );
  expect(checked).toBe(PROGRAMS);
  // Every op of the table took part, often enough to mean something.
  const rare = OPS.filter((op) => (used.get(op.name) ?? 0) < 20).map((op) => `${op.name}: ${used.get(op.name) ?? 0}`);
  if (process.env.PROGRAMS_REPORT)
    console.log(
      [...used]
        .sort((a, b) => a[1] - b[1])
        .map(([k, n]) => `${k} ${n}`)
        .join(', '),
    );
  expect(rare).toEqual([]);
});
