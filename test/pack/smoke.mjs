// An ES-module user of the packed tarballs, after `npm install fast-check`: named imports from
// every package and from @tapegrad/core/testing.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { tensor, ValueError } from '@tapegrad/core';
import { arbTensor, gradcheck } from '@tapegrad/core/testing';
import { DataLoader, DatasetError, encodeIdx, spiral } from '@tapegrad/datasets';
import { Linear } from '@tapegrad/nn';
import { FONT_FAMILY } from '@tapegrad/plot';
import { main } from '@tapegrad/cli';

fc.assert(
  fc.property(arbTensor({ min: 0.1, max: 3 }), (x) => gradcheck((t) => t.log().tanh(), [x]).ok),
  { numRuns: 20 },
);
const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
w.mul(w).sum().backward();
assert.deepEqual(w.grad.toArray(), [2, 4]);
assert.deepEqual(new Linear(2, 3).forward(spiral({ numPerClass: 4 }).x).shape, [12, 3]);
assert.throws(() => new DataLoader(null), ValueError);
assert.throws(() => encodeIdx([300], [1]), ValueError);
assert.equal(typeof DatasetError, 'function');
assert.equal(FONT_FAMILY, 'DejaVu Sans');
const quiet = { out: () => {}, err: () => {} };
assert.equal(await main(['constructor'], quiet), 2);
console.log('esm: ok');
