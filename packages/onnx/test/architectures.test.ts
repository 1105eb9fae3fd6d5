/**
 * @jest-environment ./packages/onnx/test/helpers/ort-environment.ts
 */
import { Rng } from '@tapegrad/core';
import { decodeModel } from '@tapegrad/onnx';
import { checkOnnx, pythonWith } from './helpers/python';
import { verifyInOrt } from './helpers/verify';
import { ZOO } from './zoo';

const exported: [string, Uint8Array][] = [];

describe.each(ZOO)('$name', (arch) => {
  test('exports with a dynamic batch; ONNX Runtime matches tapegrad within 1e-5 for batch 3, 1 and 64', async () => {
    const model = arch.build(new Rng(5)).eval();
    const { bytes, worst, onnxOps } = await verifyInOrt(model, [arch.input], [3, 1, 64], { seed: 17, ids: [arch.ids] });
    if (process.env.TAPEGRAD_REPORT === '1')
      console.log(`${arch.name}: ${onnxOps.join(', ')}; worst ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(onnxOps.length).toBeGreaterThan(0);
    exported.push([arch.name, bytes]);
    // Parameters and the float buffers (BatchNorm's running statistics) are initializers under
    // their state-dict names; the int64 batch counters are not part of the computation.
    const counters = model.int64BufferNames();
    const state = [...model.namedState().keys()].filter((k) => !counters.has(k));
    expect(decodeModel(bytes).graph.initializer.map((t) => t.name)).toEqual(expect.arrayContaining(state));
  });
});

const onnxPy = pythonWith(['onnx']);
(onnxPy.ok ? test : test.skip)("every architecture passes ONNX's checker (full_check)", () => {
  expect(exported).toHaveLength(ZOO.length);
  expect(checkOnnx(exported)).toEqual([]);
});
