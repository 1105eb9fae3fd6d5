import fc from 'fast-check';
import { type Tensor, clearBufferPool, grad, randn, Rng } from '@tapegrad/core';
import { POOL_MIN_ELEMENTS } from '../src/buffer-pool';

// backward() gives the buffers of dead gradients and tape-only intermediates back to the pool
// while it runs; grad() (a targeted pass) never does. So on any program the two must return the
// same gradients to the last bit: a difference means the pass recycled a buffer something could
// still read. Random programs over pool-sized values, with shared subexpressions (so that the
// engine sums several deliveries), rules that hand their gradient on unchanged (add, sub, clone, views)
// and reductions that allocate while other gradients are pending, as BatchNorm does.

const R = 256;
const C = POOL_MIN_ELEMENTS / R + 1; // every [R, C] value is just above the pool's minimum
const LEAVES = 3; // x, y: [R, C]; b: [C], broadcast along the rows

type Instr =
  | { op: 'add' | 'sub' | 'mul'; a: number; b: number }
  | { op: 'tanh' | 'centre' | 'normalise' | 'view' | 'subConst' | 'addScalar' | 'neg' | 'clone'; a: number };

const unary = ['tanh', 'centre', 'normalise', 'view', 'subConst', 'addScalar', 'neg', 'clone'] as const;
const binary = ['add', 'sub', 'mul'] as const;

/** An instruction reads values by index modulo how many exist when it runs. */
const instr: fc.Arbitrary<Instr> = fc.oneof(
  fc.record({ op: fc.constantFrom(...binary), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constantFrom(...unary), a: fc.nat() }),
);

function run(program: readonly Instr[], outputs: readonly number[], leaves: Tensor[], consts: Tensor[]): Tensor {
  const [x, y, b] = leaves;
  const vals: Tensor[] = [x, y, x.add(b)];
  for (const ins of program) {
    const a = vals[ins.a % vals.length];
    let v: Tensor;
    switch (ins.op) {
      case 'add':
      case 'sub':
      case 'mul':
        v = a[ins.op](vals[ins.b % vals.length]);
        break;
      case 'tanh':
        v = a.tanh();
        break;
      case 'centre':
        v = a.sub(a.mean([0], true));
        break;
      case 'normalise':
        v = a.div(a.square().mean([0], true).add(1).sqrt());
        break;
      case 'view':
        v = a.reshape([R * C]).reshape([R, C]);
        break;
      case 'subConst':
        v = a.sub(consts[0]);
        break;
      case 'addScalar':
        v = a.add(0.5);
        break;
      case 'neg':
        v = a.neg();
        break;
      case 'clone':
        v = a.clone();
        break;
    }
    vals.push(v);
  }
  // Several values feed the loss (more deliveries to sum); their weights keep it a generic one.
  let loss = vals[vals.length - 1].mul(consts[1]).mean();
  for (const k of outputs) loss = loss.add(vals[k % vals.length].mul(consts[2]).mean());
  return loss;
}

const rng = new Rng(5);
const leaves = [
  randn([R, C], { rng, dtype: 'float64' }),
  randn([R, C], { rng, dtype: 'float64' }),
  randn([C], { rng, dtype: 'float64' }),
];
const consts = [0, 1, 2].map(() => randn([R, C], { rng, dtype: 'float64' }));

test('backward() and grad() agree to the bit on random programs over pool-sized values', () => {
  fc.assert(
    fc.property(
      fc.array(instr, { minLength: 1, maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 3 }),
      (program, outputs) => {
        clearBufferPool();
        const want = grad((...ls: Tensor[]) => run(program, outputs, ls, consts), {
          argnums: [0, 1, 2],
        })(...leaves) as Tensor[];
        // Twice: the second pass runs with the pool the first one filled.
        for (let pass = 0; pass < 2; pass++) {
          const ls = leaves.map((l) => {
            const c = l.detach();
            c.requiresGrad = true;
            return c;
          });
          run(program, outputs, ls, consts).backward();
          for (let i = 0; i < LEAVES; i++) {
            const got = ls[i].grad;
            // A leaf the program never reaches keeps no gradient; grad() gives zeros for it.
            const g = got === null ? new Float64Array(want[i].size) : got.data;
            const w = want[i].data;
            let bad = 0;
            for (let k = 0; k < w.length; k++) if (!Object.is(g[k], w[k])) bad++;
            expect({ pass, leaf: i, mismatches: bad }).toEqual({ pass, leaf: i, mismatches: 0 });
          }
        }
      },
    ),
    { numRuns: 60, seed: 20261204 },
  );
});
