import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { gradcheck, arbTensor, arbBroadcastableShapes, arbMatmulShapes } from '@tapegrad/core/testing';

test('gradcheck broadcasting mul/div/matmul', () => {
  fc.assert(
    fc.property(
      arbBroadcastableShapes(2).chain(([a, b]) =>
        fc.tuple(arbTensor({ shape: a, avoid: [0], margin: 1e-2 }), arbTensor({ shape: b, min: 0.5, max: 2 })),
      ),
      ([a, b]) => {
        gradcheck((x, y) => tg.div(tg.mul(x, y), y.add(x.abs())).sigmoid(), [a, b], { rtol: 1e-6, atol: 1e-8 });
      },
    ),
    { numRuns: 100 },
  );
  fc.assert(
    fc.property(
      arbMatmulShapes().chain(([a, b]) => fc.tuple(arbTensor({ shape: a }), arbTensor({ shape: b }))),
      ([a, b]) => {
        gradcheck((x, y) => tg.matmul(x, y), [a, b], { rtol: 1e-6, atol: 1e-8 });
      },
    ),
    { numRuns: 100 },
  );
});
test('100k chain', () => {
  const x = tg.tensor([1], { requiresGrad: true });
  let y = x;
  for (let i = 0; i < 100000; i++) y = y.add(1e-6);
  y.sum().backward();
  expect(x.grad!.item()).toBe(1);
});
