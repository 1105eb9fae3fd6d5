import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng, TapegradError, tensor, ValueError } from '@tapegrad/core';
import { MissingPackageError, SGD, Trainer, bceWithLogits, init, mlp, softmaxCrossEntropy } from '@tapegrad/nn';
import { requireOptional } from '../src/trainer/plot';

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-trainer-plot-'));

/** 24 points in three clusters, labels as class indices. */
function clusters(): { x: ReturnType<typeof tensor>; t: ReturnType<typeof tensor> } {
  const rng = new Rng(3);
  const xs: number[][] = [];
  const ts: number[] = [];
  for (let i = 0; i < 24; i++) {
    const c = i % 3;
    xs.push([Math.cos(2 * c) * 2 + rng.normal() * 0.3, Math.sin(2 * c) * 2 + rng.normal() * 0.3]);
    ts.push(c);
  }
  return { x: tensor(xs), t: tensor(ts, { dtype: 'int32' }) };
}

function trainer(): Trainer {
  const model = mlp([2, 6, 3], { activation: 'sigmoid', init: init.xavierNormal, rng: new Rng(0) });
  return new Trainer(model, new SGD(model.parameters(), { lr: 0.5 }), { loss: softmaxCrossEntropy });
}

describe('Trainer.plot', () => {
  it('draws the loss and accuracy of the last fit into an SVG and a PNG, against iterations ×evalInterval', () => {
    const { x, t } = clusters();
    const tr = trainer();
    tr.fit(x, t, { maxEpoch: 5, batchSize: 6, evalInterval: 2, verbose: 0 });
    const base = path.join(tmp(), 'sub', 'curves');
    const files = tr.plot(`${base}.png`, { title: 'Clusters' }); // the extension is dropped
    expect(files).toEqual({ svg: `${base}.svg`, png: `${base}.png` });
    expect(fs.readFileSync(files.png).subarray(1, 4).toString()).toBe('PNG');
    const svg = fs.readFileSync(files.svg, 'utf8');
    for (const text of ['Clusters', 'loss', 'accuracy', 'iterations (x2)']) expect(svg).toContain(`>${text}<`);
    expect(svg).not.toContain('>validation<');
  });

  it('plots per epoch with validation curves, and only the loss without a metric', () => {
    const { x, t } = clusters();
    const tr = trainer();
    tr.fit(x, t, { maxEpoch: 3, batchSize: 6, validation: { x, t }, verbose: 0 });
    const svg = fs.readFileSync(tr.plot(path.join(tmp(), 'val')).svg, 'utf8');
    for (const text of ['epoch', 'train', 'validation', 'accuracy']) expect(svg).toContain(`>${text}<`);

    const model = mlp([2, 4, 1], { rng: new Rng(0) });
    const binary = new Trainer(model, new SGD(model.parameters(), { lr: 0.1 }), { loss: bceWithLogits });
    binary.fit(x, t.astype('float32').reshape([-1, 1]).gt(0).astype('float32'), { maxEpoch: 2, verbose: 0 });
    const lossOnly = fs.readFileSync(binary.plot(path.join(tmp(), 'bin'), { ylim: [0, 2] }).svg, 'utf8');
    expect(lossOnly).toContain('>loss<');
    expect(lossOnly).not.toContain('>accuracy<');
  });

  it('refuses to plot before fit', () => {
    expect(() => trainer().plot(path.join(tmp(), 'none'))).toThrow(ValueError);
    expect(() => trainer().plot(path.join(tmp(), 'none'))).toThrow('call fit first');
  });

  (fs.existsSync('/proc/self') ? it : it.skip)(
    'to /proc/x fails at once with a typed error (a recursive mkdir looped forever)',
    () => {
      const { x, t } = clusters();
      const tr = trainer();
      tr.fit(x, t, { maxEpoch: 1, batchSize: 8, verbose: 0 });
      const started = Date.now();
      expect(() => tr.plot('/proc/x/loss')).toThrow(TapegradError);
      expect(() => tr.plot('/proc/x/loss')).toThrow('cannot create the folder /proc/x (ENOENT)');
      expect(Date.now() - started).toBeLessThan(5000);
    },
  );

  it('says which package to install when @tapegrad/plot is missing', () => {
    const missing = (id: string): never => {
      throw Object.assign(new Error(`Cannot find module '${id}' from 'trainer/plot.ts'`), { code: 'MODULE_NOT_FOUND' });
    };
    const call = () => requireOptional('@tapegrad/plot', 'Trainer.plot draws', missing);
    expect(call).toThrow(MissingPackageError);
    expect(call).toThrow(
      'Trainer.plot draws with the optional package @tapegrad/plot, which is not installed: npm install @tapegrad/plot',
    );
    // the real resolver, on a name that is not installed
    expect(() => requireOptional('@tapegrad/no-such-package', 'X')).toThrow('npm install @tapegrad/no-such-package');
    // other failures (a broken install) are not disguised
    const broken = (): never => {
      throw Object.assign(new Error("Cannot find module 'vega' from 'index.js'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => requireOptional('@tapegrad/plot', 'X', broken)).toThrow("Cannot find module 'vega'");
  });

  it('Trainer.plot itself reports the missing package', () => {
    jest.isolateModules(() => {
      jest.doMock('@tapegrad/plot', () => {
        throw Object.assign(new Error("Cannot find module '@tapegrad/plot' from 'plot.ts'"), {
          code: 'MODULE_NOT_FOUND',
        });
      });
      // fresh copies of the packages, so that nn's lazy require sees the mock
      /* eslint-disable @typescript-eslint/no-require-imports */
      const core = require('@tapegrad/core') as typeof import('@tapegrad/core');
      const nn = require('@tapegrad/nn') as typeof import('@tapegrad/nn');
      /* eslint-enable @typescript-eslint/no-require-imports */
      const x = core.tensor([
        [0, 1],
        [1, 0],
      ]);
      const t = core.tensor([0, 2], { dtype: 'int32' });
      const model = nn.mlp([2, 4, 3], { rng: new core.Rng(0) });
      const tr = new nn.Trainer(model, new nn.SGD(model.parameters(), { lr: 0.1 }), { loss: nn.softmaxCrossEntropy });
      tr.fit(x, t, { maxEpoch: 1, verbose: 0 });
      expect(() => tr.plot(path.join(tmp(), 'x'))).toThrow(nn.MissingPackageError);
      expect(() => tr.plot(path.join(tmp(), 'x'))).toThrow('npm install @tapegrad/plot');
    });
    jest.dontMock('@tapegrad/plot');
  });
});
