import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng, type Tensor, noGrad, randn } from '@tapegrad/core';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  decodeSafetensors,
  encodeSafetensors,
  load,
  save,
} from '@tapegrad/nn';
import { PYTHON, pythonWith } from '../../onnx/test/helpers/python';

/**
 * A conv net with BatchNorm moves between tapegrad and PyTorch (Debian's python3-torch) with
 * strict loading both ways: parameters and buffers under PyTorch's names, num_batches_tracked as
 * int64, and the same eval outputs. Skipped with the reason printed where torch is missing.
 */
const torchPy = pythonWith(['torch', 'numpy']);
const maybe = torchPy.ok ? test : test.skip;

const build = (rng: Rng): Sequential =>
  new Sequential(
    new Conv2d(2, 4, 3, { padding: 1, rng }),
    new BatchNorm2d(4),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(64, 5, { rng }),
    new BatchNorm1d(5),
  );

function relError(got: Tensor, want: Tensor): number {
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < want.size; i++) {
    num = Math.max(num, Math.abs(got.data[i] - want.data[i]));
    den = Math.max(den, Math.abs(want.data[i]));
  }
  return num / den;
}

maybe('a conv net with BatchNorm round-trips through PyTorch strictly, buffers included', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-conv-torch-'));
  try {
    const model = build(new Rng(1));
    for (let i = 0; i < 2; i++) model.forward(randn([6, 2, 8, 8], { rng: new Rng(10 + i) })); // running statistics move
    model.eval();
    const x = randn([3, 2, 8, 8], { rng: new Rng(3) });
    save(model, path.join(dir, 'tapegrad.safetensors'));
    fs.writeFileSync(path.join(dir, 'io.safetensors'), encodeSafetensors([['x', x]]));
    const r = spawnSync(PYTHON, [path.join(__dirname, 'python', 'torch_conv_state.py'), dir], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    if (r.status !== 0) throw new Error(`torch_conv_state.py failed: ${r.stderr}`);
    const report = JSON.parse(r.stdout) as {
      keys: string[];
      dtypes: Record<string, string>;
      counts: Record<string, number>;
    };
    // The same keys in the same order as torch.nn's state_dict().
    expect([...model.stateDict().keys()]).toEqual(report.keys);
    expect(report.dtypes['1.num_batches_tracked']).toBe('torch.int64');
    expect(report.counts).toEqual({ '1.num_batches_tracked': 2, '6.num_batches_tracked': 2 });
    const out = decodeSafetensors(fs.readFileSync(path.join(dir, 'torch-out.safetensors'))).tensors;
    const y = noGrad(() => model.forward(x));
    expect(relError(out.get('with_tapegrad_weights')!, y)).toBeLessThan(1e-5);

    // PyTorch → tapegrad, strictly: its I64 counters load into int32 buffers.
    const file = path.join(dir, 'torch.safetensors');
    const theirs = build(new Rng(2));
    load(theirs, file);
    theirs.eval();
    expect((theirs[1] as BatchNorm2d).numBatchesTracked!.item()).toBe(3);
    const fresh = out.get('fresh')!;
    expect(
      relError(
        noGrad(() => theirs.forward(x)),
        fresh,
      ),
    ).toBeLessThan(1e-5);
    expect(relError(y, fresh)).toBeGreaterThan(1e-2); // really another model
    const viaStateDict = build(new Rng(4));
    viaStateDict.loadStateDict(decodeSafetensors(fs.readFileSync(file)).tensors);
    expect(Array.from((viaStateDict[6] as BatchNorm1d).runningVar!.data)).toEqual(
      Array.from((theirs[6] as BatchNorm1d).runningVar!.data),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
