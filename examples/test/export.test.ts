/**
 * @jest-environment ./packages/onnx/test/helpers/ort-environment.ts
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tensor, argmax, noGrad } from '@tapegrad/core';
import { loadMnist, spiral } from '@tapegrad/datasets';
import { decodeModel } from '@tapegrad/onnx';
import { relError, runOrt } from '../../packages/onnx/test/helpers/ort';
import { main as cli, loadCheckpoint } from '@tapegrad/cli';
import { main as start } from '../mnist/start';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await cli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** ONNX Runtime's logits for `x` against the checkpoint's own model, on the whole batch and one row. */
async function compare(onnx: string, checkpoint: string, x: Tensor): Promise<{ err: number; sameClass: boolean }> {
  const { model } = loadCheckpoint(checkpoint);
  model.eval();
  const bytes = new Uint8Array(fs.readFileSync(onnx));
  const want = noGrad(() => model.forward(x));
  const { output } = await runOrt(bytes, { input: x });
  const one = await runOrt(bytes, { input: x.slice([0, 1]) });
  const err = Math.max(relError(output.data, want.data), relError(one.output.data, want.slice([0, 1]).data));
  const sameClass = Array.from(argmax(output, 1).data).join() === Array.from(argmax(want, 1).data).join();
  return { err, sameClass };
}

describe('tapegrad export', () => {
  it('exports the `npm start` MNIST model; ONNX Runtime gives its logits on real test images', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-export-start-'));
    await start({ outDir, limit: 1000, epochs: 1, log: () => {} });
    const checkpoint = path.join(outDir, 'model.safetensors');
    const onnx = path.join(outDir, 'mnist.onnx');
    const r = await run('export', '--checkpoint', checkpoint, '--onnx', onnx);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/MLP 784-256-10 relu → .*mnist\.onnx \(ONNX opset 17, \d+ bytes\)/);
    expect(r.out).toContain("input 'input' [batch,784] → output 'output' [batch,10]; ops: Gemm, Relu, Gemm");
    const images = loadMnist({ split: 'test' }).x.slice([0, 200]);
    const { err, sameClass } = await compare(onnx, checkpoint, images);
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(sameClass).toBe(true);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('exports the spiral MLP next to its checkpoint, at opset 17 and 18', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-export-spiral-'));
    const trained = await run('train', '--data', 'spiral', '--epochs', '20', '--out', outDir, '--quiet', '--no-plots');
    expect(trained.code).toBe(0);
    const checkpoint = path.join(outDir, 'model.safetensors');
    expect((await run('export', '--checkpoint', checkpoint)).code).toBe(0);
    const onnx = path.join(outDir, 'model.onnx');
    const { err, sameClass } = await compare(onnx, checkpoint, spiral().x);
    expect(err).toBeLessThanOrEqual(1e-5);
    expect(sameClass).toBe(true);
    const onnx18 = path.join(outDir, 'opset18.onnx');
    expect((await run('export', '--checkpoint', checkpoint, '--onnx', onnx18, '--opset', '18')).code).toBe(0);
    expect(decodeModel(fs.readFileSync(onnx18)).opset_import).toEqual([{ domain: '', version: 18 }]);
    expect((await compare(onnx18, checkpoint, spiral().x)).err).toBeLessThanOrEqual(1e-5);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('reports a missing checkpoint and an unknown opset as failures', async () => {
    const missing = await run('export', '--checkpoint', path.join(os.tmpdir(), 'no-such-tapegrad.safetensors'));
    // A usage error (exit 2), as for eval and graph: it used to be a raw ENOENT with exit code 1.
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/tapegrad export: --checkpoint expects an existing file/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-export-bad-'));
    await run('train', '--data', 'spiral', '--epochs', '1', '--out', dir, '--quiet', '--no-plots');
    const bad = await run('export', '--checkpoint', path.join(dir, 'model.safetensors'), '--opset', '16');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/opsetVersion must be one of 17, 18, 19, 20, 21, got 16/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
