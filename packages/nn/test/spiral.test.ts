import { Rng } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { SGD, Trainer, accuracy, init, mlp, softmaxCrossEntropy } from '@tapegrad/nn';

test("learns the book's spiral (2-10-3 sigmoid, SGD lr 1, batch 30, 300 epochs)", () => {
  const { x, t, labels } = spiral();
  const model = mlp([2, 10, 3], { activation: 'sigmoid', init: init.normal(0.01), rng: new Rng(1984) });
  const trainer = new Trainer(model, new SGD(model.parameters(), { lr: 1.0 }), { loss: softmaxCrossEntropy });
  const t0 = Date.now();
  const history = trainer.fit(x, t, { maxEpoch: 300, batchSize: 30, evalInterval: 10, verbose: 0, rng: new Rng(0) });
  const seconds = (Date.now() - t0) / 1000;
  const finalLoss = history.lossList.at(-1)!;
  const acc = accuracy(trainer.predict(x), labels);
  console.log(`spiral: final loss ${finalLoss.toFixed(4)}, train accuracy ${acc.toFixed(4)}, ${seconds.toFixed(2)} s`);
  expect(history.size).toBe(300);
  expect(finalLoss).toBeLessThanOrEqual(0.15);
  expect(acc).toBeGreaterThanOrEqual(0.95);
  expect(seconds).toBeLessThan(10);
});
