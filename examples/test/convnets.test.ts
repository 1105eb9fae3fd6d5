import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng, noGrad } from '@tapegrad/core';
import { evaluateAccuracy } from '@tapegrad/cli';
import { load } from '@tapegrad/nn';
import { decodeModel } from '@tapegrad/onnx';
import { rasterize } from '@tapegrad/plot';
import * as deep from '../deep-convnet';
import * as fashion from '../fashion-convnet';
import * as simple from '../simple-convnet';
import { loadImages } from '../lib/image-classifier';

const opts = (lines: string[] = []) => ({
  smoke: true,
  outDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-conv-')),
  log: (l: string) => lines.push(l),
});

const FILES = [
  'filters-before.png',
  'filters-after.png',
  'loss.png',
  'accuracy.png',
  'model.safetensors',
  'metrics.json',
];

/** How many RGBA bytes two PNG files differ in (same size assumed). */
function pixelsChanged(a: string, b: string): number {
  const svgOf = (png: string): string =>
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100"><image width="100" height="100" href="data:image/png;base64,${fs.readFileSync(png).toString('base64')}"/></svg>`;
  const [pa, pb] = [rasterize(svgOf(a), 1).pixels, rasterize(svgOf(b), 1).pixels];
  let n = 0;
  for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) n++;
  return n;
}

describe('convolutional examples (smoke sizes)', () => {
  it('simple-convnet: learns, draws the filters before and after, and its checkpoint reloads', async () => {
    const lines: string[] = [];
    const o = { ...opts(lines), seeds: 2 };
    const { metrics, files } = await simple.run(o);
    // --seeds 2: seed 1 is the run itself, seed 2 a second one; their mean and spread are reported
    expect(lines.join('\n')).toMatch(
      /seed 1: test accuracy [\d.]+%[\s\S]*seed 2: [\s\S]*over seeds 1…2: final test accuracy/,
    );
    expect(metrics.seedMin).toBeLessThanOrEqual(metrics.testAccuracy as number);
    expect(metrics.seedMax).toBeGreaterThanOrEqual(metrics.testAccuracy as number);
    expect(metrics.testAccuracy).toBeGreaterThan(0.3);
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(FILES));
    expect(
      pixelsChanged(path.join(o.outDir, 'filters-before.png'), path.join(o.outDir, 'filters-after.png')),
    ).toBeGreaterThan(100);
    const history = JSON.parse(fs.readFileSync(path.join(o.outDir, 'metrics.json'), 'utf8')).history;
    expect(history).toHaveLength(2);
    expect(history[1].loss).toBeLessThan(history[0].loss);
    // the saved weights give the same test accuracy in a fresh model
    const model = simple.SIMPLE_CONVNET.build(new Rng(99)).eval();
    load(model, path.join(o.outDir, 'model.safetensors'));
    const { test } = loadImages('mnist', simple.SIMPLE_CONVNET.smoke.images);
    expect(evaluateAccuracy((x) => model.forward(x), test.x, test.labels)).toBe(metrics.testAccuracy);
  });

  it("deep-convnet: the book's six-conv net trains (loss falls) and writes its files", async () => {
    const lines: string[] = [];
    const o = opts(lines);
    const { files } = await deep.run(o);
    expect(files.map((f) => path.basename(f))).toEqual(expect.arrayContaining(FILES));
    const history = JSON.parse(fs.readFileSync(path.join(o.outDir, 'metrics.json'), 'utf8')).history;
    expect(history[1].loss).toBeLessThan(history[0].loss);
    expect(lines[0]).toMatch(/DeepConvNet \(MNIST\): 123552 parameters/);
  });

  it('fashion-convnet: BatchNorm trains, and its running statistics are saved and used in evaluation', async () => {
    const o = opts();
    const { metrics } = await fashion.run(o);
    expect(metrics.testAccuracy).toBeGreaterThan(0.3);
    const { graph } = decodeModel(fs.readFileSync(path.join(o.outDir, 'model.onnx')));
    expect(new Set(graph.node.map((n) => n.op_type))).toEqual(
      new Set(['Conv', 'BatchNormalization', 'Relu', 'MaxPool', 'Flatten', 'Gemm']),
    );
    expect(graph.input[0].type.tensor_type.shape.dim[0]).toEqual({ dim_param: 'batch' });
    const model = fashion.FASHION_CONVNET.build(new Rng(99));
    load(model, path.join(o.outDir, 'model.safetensors'));
    const state = model.namedState();
    const steps = (fashion.FASHION_CONVNET.smoke.images / 100) * fashion.FASHION_CONVNET.smoke.epochs;
    expect(state.get('1.num_batches_tracked')!.item()).toBe(steps);
    expect(Math.max(...Array.from(state.get('1.running_var')!.data, (v) => Math.abs(v - 1)))).toBeGreaterThan(1e-3);
    const { test } = loadImages('fashion-mnist', fashion.FASHION_CONVNET.smoke.images);
    model.eval();
    expect(evaluateAccuracy((x) => model.forward(x), test.x, test.labels)).toBe(metrics.testAccuracy);
    // in training mode the same images are normalised by their own batch: other outputs
    const x = test.x.slice([0, 50]);
    const evalOut = noGrad(() => model.forward(x)).data.slice();
    model.train();
    const trainOut = noGrad(() => model.forward(x)).data;
    expect(trainOut.some((v, i) => Math.abs(v - evalOut[i]) > 1e-4)).toBe(true);
  });
});
