/**
 * Trains the book's spiral net (2-10-3 sigmoid, SGD lr 1, batch 30, 300 epochs, 0.01·randn
 * init) with `Trainer.fit`, the run shown in the package README. Progress goes to stdout: a
 * live bar on a terminal, the book's lines otherwise.
 *
 * @example
 * npx ts-node --transpile-only packages/nn/scripts/spiral-demo.ts | tail -3
 * script -qc "npx ts-node --transpile-only packages/nn/scripts/spiral-demo.ts" /dev/null
 */
import { Rng } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { SGD, Trainer, accuracy, init, mlp, softmaxCrossEntropy } from '@tapegrad/nn';

const { x, t, labels } = spiral();
const model = mlp([2, 10, 3], { activation: 'sigmoid', init: init.normal(0.01), rng: new Rng(1984) });
const trainer = new Trainer(model, new SGD(model.parameters(), { lr: 1.0 }), { loss: softmaxCrossEntropy });
const start = process.hrtime.bigint();
const history = trainer.fit(x, t, { maxEpoch: 300, batchSize: 30, evalInterval: 10 });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(String(model));
console.log(
  `final loss ${history.lossList.at(-1)!.toFixed(4)}, training accuracy ` +
    `${accuracy(trainer.predict(x), labels).toFixed(4)}, ${seconds.toFixed(2)} s`,
);
