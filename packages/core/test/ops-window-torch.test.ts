import { spawnSync } from 'child_process';
import * as path from 'path';
import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { PYTHON, pythonWith } from '../../onnx/test/helpers/python';
import { type ConvCase, arbConvCase, distinctLeaf, randomLeaves } from './window-arbitraries';

/**
 * The windowed ops against PyTorch (Debian's python3-torch) in float64: outputs and the
 * gradients of Σ y·gy, for random cases of every op. Skipped, with the reason printed, where
 * python3 cannot import torch (a failure under TAPEGRAD_REQUIRE_PYTHON=1, as in CI).
 */
const torchPy = pythonWith(['torch']);
const maybe = torchPy.ok ? test : test.skip;

interface Case {
  name: string;
  f: (...xs: tg.Tensor[]) => tg.Tensor;
  inputs: tg.Tensor[];
  op: string;
  options: Record<string, unknown>;
}

const pair = (c: ConvCase, k: 'stride' | 'padding' | 'dilation'): number[] => [...c[k]];

function convCases(c: ConvCase): Case[] {
  const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
  const torchOpts = {
    stride: pair(c, 'stride'),
    padding: pair(c, 'padding'),
    dilation: pair(c, 'dilation'),
    groups: c.groups,
  };
  const [x, w, b] = randomLeaves(c.seed, [c.n, c.cin, ...c.size], [c.cout, c.cin / c.groups, ...c.kernel], [c.cout]);
  const [x1, w1] = randomLeaves(c.seed + 1, [c.n, c.cin, c.size[1]], [c.cout, c.cin / c.groups, c.kernel[1]]);
  const outputPadding = c.stride.map((s, a) => Math.max(s, c.dilation[a]) - 1);
  const tPadding = c.padding.map((p, a) =>
    Math.min(p, Math.floor(((c.size[a] - 1) * c.stride[a] + c.dilation[a] * (c.kernel[a] - 1)) / 2)),
  );
  const [xt, wt, bt] = randomLeaves(
    c.seed + 2,
    [c.n, c.cin, ...c.size],
    [c.cin, c.cout / c.groups, ...c.kernel],
    [c.cout],
  );
  const fold = { stride: c.stride, padding: c.padding, dilation: c.dilation };
  const torchFold = { stride: pair(c, 'stride'), padding: pair(c, 'padding'), dilation: pair(c, 'dilation') };
  const cols = tg.im2col(x.detach(), c.kernel, fold);
  const [colsLeaf] = randomLeaves(c.seed + 3, cols.shape as number[]);
  const same = c.stride[0] === 1 && c.stride[1] === 1;
  return [
    {
      name: 'conv2d',
      f: (a, bb, cc) => tg.conv2d(a, bb, cc, opts),
      inputs: [x, w, b],
      op: 'conv2d',
      options: torchOpts,
    },
    {
      name: 'conv1d',
      f: (a, bb) =>
        tg.conv1d(a, bb, null, {
          stride: c.stride[1],
          padding: same ? 'same' : c.padding[1],
          dilation: c.dilation[1],
          groups: c.groups,
        }),
      inputs: [x1, w1],
      op: 'conv1d',
      options: {
        stride: c.stride[1],
        padding: same ? 'same' : c.padding[1],
        dilation: c.dilation[1],
        groups: c.groups,
      },
    },
    {
      name: 'convTranspose2d',
      f: (a, bb, cc) => tg.convTranspose2d(a, bb, cc, { ...opts, padding: tPadding, outputPadding }),
      inputs: [xt, wt, bt],
      op: 'conv_transpose2d',
      options: { ...torchOpts, padding: tPadding, output_padding: outputPadding },
    },
    {
      name: 'im2col',
      f: (a) => tg.im2col(a, c.kernel, fold),
      inputs: [x],
      op: 'unfold',
      options: { kernel_size: [...c.kernel], ...torchFold },
    },
    {
      name: 'col2im',
      f: (a) => tg.col2im(a, c.size, c.kernel, fold),
      inputs: [colsLeaf],
      op: 'fold',
      options: { output_size: [...c.size], kernel_size: [...c.kernel], ...torchFold },
    },
  ];
}

function poolCases(c: ConvCase): Case[] {
  const padding = c.padding.map((p, a) => Math.min(p, c.kernel[a] >> 1, c.dilation[a] > 1 ? 0 : 1));
  const ceilMode = c.seed % 2 === 0;
  const shape = [c.n, c.cin, ...c.size];
  const x = distinctLeaf(c.seed, shape);
  const [y] = randomLeaves(c.seed, shape);
  const widths = [c.padding[1], c.kernel[1] - 1, c.padding[0], c.stride[0] - 1];
  const reflect = widths.map((v, i) => Math.min(v, c.size[1 - (i >> 1)] - 1));
  const fits = [0, 1].every((a) => c.size[a] + 2 * padding[a] >= c.dilation[a] * (c.kernel[a] - 1) + 1);
  const windows: Case[] = [
    {
      name: 'maxPool2d',
      f: (a) => tg.maxPool2d(a, { kernelSize: c.kernel, stride: c.stride, padding, dilation: c.dilation, ceilMode }),
      inputs: [x],
      op: 'max_pool2d',
      options: {
        kernel_size: [...c.kernel],
        stride: pair(c, 'stride'),
        padding,
        dilation: pair(c, 'dilation'),
        ceil_mode: ceilMode,
      },
    },
    {
      name: 'avgPool2d',
      f: (a) => tg.avgPool2d(a, { kernelSize: c.kernel, stride: c.stride, padding, ceilMode, countIncludePad: c.bias }),
      inputs: [y],
      op: 'avg_pool2d',
      options: {
        kernel_size: [...c.kernel],
        stride: pair(c, 'stride'),
        padding,
        ceil_mode: ceilMode,
        count_include_pad: c.bias,
      },
    },
  ];
  return [
    ...(fits ? windows : []),
    {
      name: 'adaptiveAvgPool2d',
      f: (a) => tg.adaptiveAvgPool2d(a, [c.kernel[0], c.kernel[1] + 1]),
      inputs: [y],
      op: 'adaptive_avg_pool2d',
      options: { output_size: [c.kernel[0], c.kernel[1] + 1] },
    },
    {
      name: 'pad reflect',
      f: (a) => tg.pad(a, reflect, { mode: 'reflect' }),
      inputs: [y],
      op: 'pad',
      options: { pad: reflect, mode: 'reflect' },
    },
    {
      name: 'pad replicate',
      f: (a) => tg.pad(a, widths, { mode: 'replicate' }),
      inputs: [y],
      op: 'pad',
      options: { pad: widths, mode: 'replicate' },
    },
    {
      name: 'pad constant',
      f: (a) => tg.pad(a, widths, { value: 0.25 }),
      inputs: [y],
      op: 'pad',
      options: { pad: widths, mode: 'constant', value: 0.25 },
    },
  ];
}

const flat = (t: tg.Tensor): { shape: number[]; data: number[] } => ({ shape: [...t.shape], data: Array.from(t.data) });

function relError(got: ArrayLike<number>, want: readonly number[]): number {
  let num = 0;
  let den = 1e-12;
  for (let i = 0; i < want.length; i++) {
    num = Math.max(num, Math.abs(got[i] - want[i]));
    den = Math.max(den, Math.abs(want[i]));
  }
  return num / den;
}

maybe('every windowed op matches PyTorch: outputs and gradients, 1e-10 relative (float64)', () => {
  const params = fc.sample(arbConvCase(3), { numRuns: 40, seed: 15 });
  const cases = params.flatMap((c) => [...convCases(c), ...poolCases(c)]);
  const ours = cases.map((c) => {
    const xs = c.inputs.map((t) => tg.tensor(t, { requiresGrad: true })); // own leaves: cases share inputs
    const y = c.f(...xs);
    const gy = tg.randn(y.shape, { rng: new tg.Rng(y.size), dtype: 'float64' });
    y.mul(gy).sum().backward();
    return { y, gy, grads: xs.map((x) => x.grad!) };
  });
  const request = cases.map((c, i) => ({
    op: c.op,
    inputs: c.inputs.map(flat),
    options: c.options,
    gy: flat(ours[i].gy),
  }));
  const r = spawnSync(PYTHON, [path.join(__dirname, 'python', 'torch_windows.py')], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`torch_windows.py failed: ${r.stderr}`);
  const theirs = JSON.parse(r.stdout) as { y: number[]; shape: number[]; grads: number[][] }[];
  const problems: string[] = [];
  cases.forEach((c, i) => {
    const what = `${c.name} ${JSON.stringify(c.options)} on ${c.inputs.map((t) => `[${t.shape}]`).join(', ')}`;
    if (ours[i].y.shape.join() !== theirs[i].shape.join())
      problems.push(`${what}: shape ${ours[i].y.shape} vs ${theirs[i].shape}`);
    else if (relError(ours[i].y.data, theirs[i].y) > 1e-10) problems.push(`${what}: output differs`);
    ours[i].grads.forEach((g, k) => {
      if (relError(g.data, theirs[i].grads[k]) > 1e-10) problems.push(`${what}: gradient ${k} differs`);
    });
  });
  expect(problems).toEqual([]);
  expect(cases.length).toBeGreaterThan(40 * 10);
});
