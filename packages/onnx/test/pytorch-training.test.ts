import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng, type Tensor, noGrad, randn } from '@tapegrad/core';
import {
  AdaGrad,
  Adam,
  AdamW,
  Dropout,
  type Module,
  RMSProp,
  SGD,
  decodeSafetensors,
  encodeSafetensors,
  save,
} from '@tapegrad/nn';
import { relError } from './helpers/ort';
import { randomInputs } from './helpers/verify';
import { pythonWith, runPython } from './helpers/python';
import { type Architecture, ZOO } from './zoo';

/**
 * Training parity with real PyTorch: every architecture of the interop table, from the same
 * float64 initial state and on the same batches, takes the same steps as torch.optim's with each
 * optimizer (two for a convolutional net) — the loss before every step and the final state dict (parameters and BatchNorm
 * statistics) agree within 1e-9. Float64, so that a rounding difference cannot flip the sign
 * of an Adam or RMSprop step; the float32 fast paths are pinned to the float64 reference by the
 * kernel tests.
 */
const torchPy = pythonWith(['torch', 'numpy']);
const maybe = torchPy.ok ? test : test.skip;

const STEPS = 3;
const BATCH = 4;
const TOLERANCE = 1e-9;

/** An optimizer with options off their defaults, and torch.optim's same, by its own argument names. */
interface OptimizerCase {
  make(params: ReturnType<Module['parameters']>): { zeroGrad(): void; step(): void };
  torch: string;
  arguments: Record<string, unknown>;
}

const OPTIMIZERS: OptimizerCase[] = [
  {
    make: (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    torch: 'SGD',
    arguments: { lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-3 },
  },
  {
    make: (p) => new SGD(p, { lr: 0.05, momentum: 0.8, dampening: 0.3 }),
    torch: 'SGD',
    arguments: { lr: 0.05, momentum: 0.8, dampening: 0.3 },
  },
  {
    make: (p) => new Adam(p, { lr: 1e-2, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 1e-3 }),
    torch: 'Adam',
    arguments: { lr: 1e-2, betas: [0.8, 0.99], eps: 1e-6, weight_decay: 1e-3 },
  },
  {
    make: (p) => new AdamW(p, { lr: 1e-2, weightDecay: 0.05 }),
    torch: 'AdamW',
    arguments: { lr: 1e-2, weight_decay: 0.05 },
  },
  {
    make: (p) => new RMSProp(p, { lr: 1e-3, alpha: 0.9, eps: 1e-6, weightDecay: 1e-3, momentum: 0.5, centered: true }),
    torch: 'RMSprop',
    arguments: { lr: 1e-3, alpha: 0.9, eps: 1e-6, weight_decay: 1e-3, momentum: 0.5, centered: true },
  },
  {
    make: (p) => new AdaGrad(p, { lr: 0.05, lrDecay: 0.01, weightDecay: 1e-3, eps: 1e-8 }),
    torch: 'Adagrad',
    arguments: { lr: 0.05, lr_decay: 0.01, weight_decay: 1e-3, eps: 1e-8 },
  },
];

/**
 * How a net trains here. Dropout draws different masks on the two sides, so the net trains in
 * training mode (BatchNorm on batch statistics, its running ones updated) with its Dropout
 * layers (their indices among the torch layers) in eval mode; a Transformer layer, whose dropout
 * sits inside it, trains wholly in eval mode.
 */
function modes(arch: Architecture): { train: boolean; evalLayers: number[] } {
  const layers = arch.torch.layers;
  if (layers.some((l) => l.type === 'TransformerEncoderLayer')) return { train: false, evalLayers: [] };
  return { train: true, evalLayers: layers.flatMap((l, i) => (l.type === 'Dropout' ? [i] : [])) };
}

/** Puts `model` in the modes' state; a listed layer that is not a Dropout throws. */
function setModes(model: Module, arch: Architecture, { train, evalLayers }: ReturnType<typeof modes>): void {
  model.train(train);
  const children = new Map(model.namedChildren());
  for (const i of evalLayers) {
    const name = arch.torch.names?.[i] ?? String(i);
    const child = children.get(name);
    if (!(child instanceof Dropout)) throw new Error(`${arch.name}: layer ${name} is not a Dropout`);
    child.eval();
  }
}

/**
 * The key projection's bias of an attention layer: it adds q·b to every score of a query, which
 * softmax ignores, so its gradient is zero but for rounding, and an adaptive step divides that
 * rounding by little more than ε. Both sides must keep it near its initial zero (a real step
 * moves a bias by 1e-3 here); the rest of `in_proj_bias` is compared as every other tensor.
 */
function splitKeyBias(key: string, data: ArrayLike<number>): { compared: number[]; keyBias: number[] } {
  const all = Array.from(data);
  if (!key.endsWith('self_attn.in_proj_bias')) return { compared: all, keyBias: [] };
  const e = all.length / 3;
  return { compared: [...all.slice(0, e), ...all.slice(2 * e)], keyBias: all.slice(e, 2 * e) };
}
const KEY_BIAS_BOUND = 1e-4;

/**
 * The optimizers architecture `a` trains with: all of them, but only two for a convolutional net
 * (float64 runs on the JS reference kernels), taken in turn so that each optimizer still meets a
 * convolution.
 */
function optimizersFor(arch: Architecture, a: number): OptimizerCase[] {
  if (!arch.torch.layers.some((l) => l.type === 'Conv2d')) return OPTIMIZERS;
  return [OPTIMIZERS[a % OPTIMIZERS.length], OPTIMIZERS[(a + OPTIMIZERS.length / 2) % OPTIMIZERS.length]];
}

/** Axis-0 entry `i` of `t`, without that axis. */
const at = (t: Tensor, i: number): Tensor => t.slice([i, i + 1]).reshape(t.shape.slice(1));

maybe('every architecture trains as PyTorch does, with every optimizer, within 1e-9 (float64)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-torch-train-'));
  try {
    const cases = ZOO.flatMap((arch, a) =>
      optimizersFor(arch, a).map((opt, o) => {
        const dir = path.join(root, `case-${a}-${o}`);
        fs.mkdirSync(dir);
        const rng = new Rng(1000 * a + o);
        const mode = modes(arch);
        const model = arch.build(rng).to('float64');
        const [x] = randomInputs([[STEPS, BATCH, ...arch.input.slice(1)]], rng, 'float64', false, [arch.ids]);
        // The output's shape, from an eval-mode pass (a training-mode one would move BatchNorm's statistics).
        const out = noGrad(() => model.eval().forward(at(x, 0))).shape;
        setModes(model, arch, mode);
        save(model, path.join(dir, 'init.safetensors'));
        const target = randn([STEPS, ...out], { rng, dtype: 'float64' });
        fs.writeFileSync(
          path.join(dir, 'data.safetensors'),
          encodeSafetensors([
            ['x', x],
            ['target', target],
          ]),
        );
        fs.writeFileSync(
          path.join(dir, 'spec.json'),
          JSON.stringify({ ...arch.torch, ...mode, optimizer: opt.torch, arguments: opt.arguments }),
        );
        const optimizer = opt.make(model.parameters());
        const losses: number[] = [];
        for (let s = 0; s < STEPS; s++) {
          optimizer.zeroGrad();
          const loss = model.forward(at(x, s)).sub(at(target, s)).square().mean();
          losses.push(loss.item());
          loss.backward();
          optimizer.step();
        }
        return { name: `${arch.name}, ${opt.torch} ${JSON.stringify(opt.arguments)}`, dir, model, losses };
      }),
    );
    const report = JSON.parse(
      runPython(
        'torch_train.py',
        cases.map((c) => c.dir),
      ),
    ) as { losses: Record<string, number[]> };
    const worst: string[] = [];
    let largest = 0;
    for (const { name, dir, model, losses } of cases) {
      const theirs = decodeSafetensors(fs.readFileSync(path.join(dir, 'final.safetensors'))).tensors;
      const ours = model.namedState();
      expect([name, [...theirs.keys()].sort()]).toEqual([name, [...ours.keys()].sort()]);
      const errors: [string, number][] = [['loss', relError(losses, report.losses[dir])]];
      for (const [key, t] of ours) {
        const a = splitKeyBias(key, t.data);
        const b = splitKeyBias(key, theirs.get(key)!.data);
        errors.push([key, relError(a.compared, b.compared)]);
        const drift = Math.max(0, ...[...a.keyBias, ...b.keyBias].map(Math.abs));
        if (!(drift <= KEY_BIAS_BOUND)) worst.push(`${name}: ${key}: the key bias moved by ${drift}`);
      }
      for (const [what, err] of errors) {
        if (!(err <= TOLERANCE)) worst.push(`${name}: ${what} ${err}`);
        largest = Math.max(largest, err);
      }
      // The steps really moved the weights (a test of equal no-ops would prove nothing).
      const init = decodeSafetensors(fs.readFileSync(path.join(dir, 'init.safetensors'))).tensors;
      const moved = Math.max(...[...model.namedParameters()].map(([k, p]) => relError(p.data, init.get(k)!.data)));
      if (!(moved > 1e-4)) worst.push(`${name}: the parameters moved only ${moved}`);
    }
    if (process.env.TAPEGRAD_REPORT === '1')
      console.log(`${cases.length} runs: largest relative error ${largest.toExponential(2)}`);
    expect(worst).toEqual([]);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
