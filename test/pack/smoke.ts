// A strict TypeScript user of the packed tarballs, compiled twice (moduleResolution node10 and
// nodenext) and run: every entry point's types resolve, and they are real types, not `any`.
import * as assert from 'node:assert/strict';
import { Rng, tensor, type Tensor, TapegradError } from '@tapegrad/core';
import { gradcheck, type GradcheckReport } from '@tapegrad/core/testing';
import { DataLoader, DatasetError, TensorDataset, spiral, type LabeledData } from '@tapegrad/datasets';
import { SGD, mlp, softmaxCrossEntropy, type Sequential } from '@tapegrad/nn';
import { lineChart } from '@tapegrad/plot';
import { main, type Io } from '@tapegrad/cli';

const data: LabeledData = spiral({ numPerClass: 20 });
const model: Sequential = mlp([2, 8, 3], { activation: 'tanh', rng: new Rng(3) });
const opt = new SGD(model.parameters(), { lr: 0.5 });
for (const batch of new DataLoader(new TensorDataset(data.x, data.labels), { batchSize: 10 })) {
  const loss: Tensor = softmaxCrossEntropy(model.forward(batch.x), batch.t);
  opt.zeroGrad();
  loss.backward();
  opt.step();
}
const x = tensor([0.5, 1.5], { dtype: 'float64', requiresGrad: true });
const report: GradcheckReport = gradcheck((t) => t.sigmoid(), [x]);
assert.equal(report.ok, true);
assert.ok(lineChart([{ name: 'a', y: [1, 2] }]).startsWith('<svg'));
assert.ok(new DatasetError('x') instanceof TapegradError);

/** Never called: each line must be a type error, or the types were `any`. */
export function typesAreReal(io: Io): void {
  // @ts-expect-error a shape holds numbers
  tensor([1], { shape: ['1'] });
  // @ts-expect-error spiral takes an options object
  spiral(3);
  // @ts-expect-error main takes an argv array
  void main('train', io);
  // @ts-expect-error gradcheck's report has no such field
  void report.notAField;
}

void main(['--help'], { out: () => {}, err: () => {} }).then((code) => {
  assert.equal(code, 0);
  console.log('ts: ok');
});
