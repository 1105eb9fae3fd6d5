/**
 * @jest-environment ./packages/onnx/test/helpers/ort-environment.ts
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng } from '@tapegrad/core';
import { pythonWith, runPython } from './helpers/python';
import { verifyInOrt } from './helpers/verify';
import { ZOO } from './zoo';

const exported: [string, Uint8Array][] = [];

describe.each(ZOO)('$name', (arch) => {
  test('exports with a dynamic batch; ONNX Runtime matches tapegrad within 1e-5 for batch 3, 1 and 64', async () => {
    const model = arch.build(new Rng(5)).eval();
    const { bytes, worst, onnxOps } = await verifyInOrt(model, [arch.input], [3, 1, 64], { seed: 17 });
    if (process.env.TAPEGRAD_REPORT === '1')
      console.log(`${arch.name}: ${onnxOps.join(', ')}; worst ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(onnxOps.length).toBeGreaterThan(0);
    exported.push([arch.name, bytes]);
  });
});

const onnxPy = pythonWith(['onnx']);
(onnxPy.ok ? test : test.skip)("every architecture passes ONNX's checker (full_check)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-onnx-zoo-'));
  try {
    const files = exported.map(([, bytes], i) => {
      const file = path.join(dir, `arch-${i}.onnx`);
      fs.writeFileSync(file, bytes);
      return file;
    });
    expect(files).toHaveLength(ZOO.length);
    const { report } = JSON.parse(runPython('check_onnx.py', files)) as { report: Record<string, string> };
    expect(files.map((f) => report[f])).toEqual(files.map(() => 'ok'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
