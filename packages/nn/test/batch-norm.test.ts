import { Rng, type Tensor, randn, tensor } from '@tapegrad/core';
import { gradcheck } from '@tapegrad/core/testing';
import { BatchNorm1d, BatchNorm2d, Linear, Sequential, StateDictError } from '@tapegrad/nn';
import { asFunction } from './helpers';

/**
 * BatchNorm against values worked out by hand from PyTorch's documented formulas:
 * y = (x − E[x]) / √(Var[x] + eps) · γ + β with the biased variance in training;
 * running = (1 − momentum)·running + momentum·batch, the variance's with the unbiased estimate;
 * momentum null: the cumulative average (factor 1/num_batches_tracked).
 */

const close = (got: Tensor | null, want: number[], digits = 6): void => {
  expect(got).not.toBeNull();
  expect(got!.data.length).toBe(want.length);
  Array.from(got!.data).forEach((v, i) => expect(v).toBeCloseTo(want[i], digits));
};

// Channel 0: 1, 2, 3, 4 (mean 2.5, biased variance 1.25, unbiased 5/3);
// channel 1: 0, 0, 2, 2 (mean 1, biased variance 1, unbiased 4/3).
const x1 = tensor(
  [
    [1, 0],
    [2, 0],
    [3, 2],
    [4, 2],
  ],
  { dtype: 'float64' },
);
const x2 = x1.mul(2); // means 5 and 2, unbiased variances 20/3 and 16/3

describe('BatchNorm1d, by hand', () => {
  test('training output uses the batch mean and biased variance', () => {
    const bn = new BatchNorm1d(2, { eps: 0, dtype: 'float64' });
    const y = bn.forward(x1);
    const s = Math.sqrt(1.25);
    close(y, [-1.5 / s, -1, -0.5 / s, -1, 0.5 / s, 1, 1.5 / s, 1]);
  });

  test('running statistics after two steps (momentum 0.1), then the eval output', () => {
    const bn = new BatchNorm1d(2, { eps: 1e-5, dtype: 'float64' });
    bn.forward(x1);
    close(bn.runningMean, [0.25, 0.1]);
    close(bn.runningVar, [0.9 + 0.1 * (5 / 3), 0.9 + 0.1 * (4 / 3)]);
    bn.forward(x2);
    // mean: 0.9·0.25 + 0.1·5 = 0.725, 0.9·0.1 + 0.1·2 = 0.29
    close(bn.runningMean, [0.725, 0.29]);
    // var: 0.9·1.0666… + 0.1·20/3 = 1.626666…, 0.9·1.0333… + 0.1·16/3 = 1.463333…
    close(bn.runningVar, [1.6266666666666667, 1.4633333333333334]);
    expect(bn.numBatchesTracked!.item()).toBe(2);
    bn.eval();
    const y = bn.forward(tensor([[1.725, 0.29]], { dtype: 'float64' }));
    close(y, [1 / Math.sqrt(1.6266666666666667 + 1e-5), 0]);
    expect(bn.numBatchesTracked!.item()).toBe(2); // eval does not count
  });

  test('momentum null: cumulative averages of the batch statistics', () => {
    const bn = new BatchNorm1d(2, { momentum: null, dtype: 'float64' });
    bn.forward(x1);
    bn.forward(x2);
    close(bn.runningMean, [3.75, 1.5]);
    close(bn.runningVar, [25 / 6, 10 / 3]);
  });

  test('affine parameters scale and shift; [N, C, L] normalises over N and L', () => {
    const bn = new BatchNorm1d(1, { eps: 0, dtype: 'float64' });
    bn.weight!.data.set([2]);
    bn.bias!.data.set([3]);
    // values 1, 3 | 5, 7: mean 4, biased variance 5
    const y = bn.forward(tensor([[[1, 3]], [[5, 7]]], { dtype: 'float64' }));
    const s = Math.sqrt(5);
    close(y, [3 - 6 / s, 3 - 2 / s, 3 + 2 / s, 3 + 6 / s]);
    close(bn.runningVar, [0.9 + 0.1 * (20 / 3)]);
  });

  test('trackRunningStats false: batch statistics always, no buffers in the state dict', () => {
    const bn = new BatchNorm1d(2, { trackRunningStats: false, eps: 0, dtype: 'float64' }).eval();
    close(bn.forward(x1), Array.from(new BatchNorm1d(2, { eps: 0, dtype: 'float64' }).forward(x1).data));
    expect([...bn.stateDict().keys()]).toEqual(['weight', 'bias']);
    expect(bn.runningMean).toBeNull();
  });

  test('one value per channel in training is refused, as PyTorch', () => {
    expect(() => new BatchNorm1d(2).forward(tensor([[1, 2]]))).toThrow(
      /BatchNorm1d.forward: needs more than 1 value per channel when training, got \[1,2\]/,
    );
    expect(() => new BatchNorm1d(3).forward(tensor([[1, 2]]))).toThrow(
      /x must be rank 2 or rank 3 with 3 channels on axis 1, got \[1,2\]/,
    );
  });
});

describe('BatchNorm2d', () => {
  test('normalises each channel over N, H and W; state dict keys and order are PyTorch’s', () => {
    const bn = new BatchNorm2d(1, { eps: 0, dtype: 'float64' });
    const y = bn.forward(tensor([[[[1], [3]]], [[[5], [7]]]], { dtype: 'float64' }));
    const s = Math.sqrt(5);
    close(y, [-3 / s, -1 / s, 1 / s, 3 / s]);
    close(bn.runningMean, [0.4]);
    const sd = bn.stateDict();
    expect([...sd.keys()]).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    expect(sd.get('num_batches_tracked')!.dtype).toBe('int32');
    expect(sd.get('num_batches_tracked')!.shape).toEqual([]);
  });

  test('gradients of the training output w.r.t. x, weight and bias (float64)', () => {
    const bn = new BatchNorm2d(3, { dtype: 'float64' });
    const rng = new Rng(3);
    bn.weight!.data.set([0.5, -1, 2]);
    const { f, params } = asFunction(bn);
    const x = randn([2, 3, 2, 2], { rng, dtype: 'float64', requiresGrad: true });
    expect(gradcheck((a, ...ps) => f(a, ...ps).square(), [x, ...params.map((p) => p.detach())]).ok).toBe(true);
  });

  test('train() and eval() reach nested layers; loadStateDict restores the buffers', () => {
    const net = new Sequential(new Linear(2, 3), new BatchNorm1d(3));
    net.forward(randn([4, 2], { rng: new Rng(1) }));
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net[1].training).toBe(true);
    const copy = new Sequential(new Linear(2, 3), new BatchNorm1d(3));
    copy.loadStateDict(net.stateDict());
    expect(Array.from((copy[1] as BatchNorm1d).runningMean!.data)).toEqual(
      Array.from((net[1] as BatchNorm1d).runningMean!.data),
    );
    expect((copy[1] as BatchNorm1d).numBatchesTracked!.item()).toBe(1);
    const sd = net.stateDict();
    sd.delete('1.running_var');
    expect(() => copy.loadStateDict(sd)).toThrow(StateDictError);
    expect(() => copy.loadStateDict(sd)).toThrow(/1 missing \(1\.running_var\)/);
  });

  test('to(float64) converts the running statistics but keeps the counter int32', () => {
    const bn = new BatchNorm2d(2).to('float64');
    expect(bn.runningMean!.dtype).toBe('float64');
    expect(bn.numBatchesTracked!.dtype).toBe('int32');
    expect(bn.weight!.dtype).toBe('float64');
  });
});
