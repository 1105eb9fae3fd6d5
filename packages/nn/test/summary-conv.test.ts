import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@tapegrad/nn';

// summary() on the real convolution layers, with the counts torchinfo prints for the same
// PyTorch modules: weights [out, in, kH, kW] plus a bias per output channel; BatchNorm's
// running buffers are not parameters.
describe('summary of conv nets', () => {
  const silent = { verbose: 0 } as const;

  test("the book's SimpleConvNet: conv 30×5×5, max-pool 2, Linear 4320-100-10", () => {
    const net = new Sequential(
      new Conv2d(1, 30, 5),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(4320, 100),
      new ReLU(),
      new Linear(100, 10),
    );
    const s = net.summary([100, 1, 28, 28], silent);
    expect(s.rows.map((r) => [r.name, r.outputShape, r.params])).toEqual([
      ['', [100, 10], 0],
      ['0', [100, 30, 24, 24], 30 * 1 * 5 * 5 + 30],
      ['1', [100, 30, 24, 24], 0],
      ['2', [100, 30, 12, 12], 0],
      ['3', [100, 4320], 0],
      ['4', [100, 100], 4320 * 100 + 100],
      ['5', [100, 100], 0],
      ['6', [100, 10], 100 * 10 + 10],
    ]);
    expect(s.totalParams).toBe(433_890);
    expect(String(s)).toContain('Total params: 433,890');
    expect(String(s)).toMatch(/\n {2}0 \(Conv2d\)\s+\[100, 30, 24, 24\]\s+780\n/);
  });

  test('padding, stride and BatchNorm2d: shapes follow PyTorch, buffers are not counted', () => {
    const net = new Sequential(
      new Conv2d(3, 8, 3, { padding: 1, bias: false }),
      new BatchNorm2d(8),
      new ReLU(),
      new Conv2d(8, 16, 3, { stride: 2 }),
      new Flatten(),
    );
    const s = net.summary([2, 3, 9, 9], silent);
    expect(s.rows.map((r) => [r.name, r.outputShape, r.params])).toEqual([
      ['', [2, 16 * 4 * 4], 0],
      ['0', [2, 8, 9, 9], 8 * 3 * 3 * 3],
      ['1', [2, 8, 9, 9], 2 * 8],
      ['2', [2, 8, 9, 9], 0],
      ['3', [2, 16, 4, 4], 16 * 8 * 3 * 3 + 16],
      ['4', [2, 256], 0],
    ]);
    expect([s.totalParams, s.trainableParams]).toEqual([216 + 16 + 1168, 216 + 16 + 1168]);
    expect(net.training).toBe(true); // summary runs in eval mode and restores the mode
  });
});
