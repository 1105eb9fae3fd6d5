import { Rng, type Tensor, noGrad, randn } from '@tapegrad/core';
import { POOL_MIN_ELEMENTS } from '../src/buffer-pool';

/**
 * A gradient the engine summed from two deliveries (xc below feeds both the variance and the
 * output, as in training-mode BatchNorm), then handed on unchanged by a rule (sub's gx is its gy),
 * is still live: its buffer must not go back to the pool while the next node's gradient is it.
 * It did, and a later allocation of the same size overwrote it (a conv before BatchNorm2d
 * trained on a gradient 1000× too small). Checked by central differences in float64, at a size
 * the pool takes and at one it does not.
 */
describe.each([
  ['a size the pool takes', 2 * POOL_MIN_ELEMENTS],
  ['a size below it', 1000],
])('an accumulated gradient handed on by sub, %s', (_, n) => {
  test('reaches the leaf intact', () => {
    const rng = new Rng(11);
    const w = randn([3, 4], { rng, dtype: 'float64', requiresGrad: true });
    const x = randn([n, 3], { rng, dtype: 'float64' });
    // targets that depend on x, so that w's gradient is of order one, not noise
    const t = x.matmul(randn([3, 4], { rng, dtype: 'float64' }));
    const loss = (): Tensor => {
      const h = x.matmul(w); // [n, 4]: w's gradient needs h's, which sub hands on
      const xc = h.sub(h.mean([0], true));
      const y = xc.div(xc.square().mean([0], true).add(1e-5).sqrt());
      return y.sub(t).square().mean();
    };
    w.grad = null;
    loss().backward();
    const got = Array.from(w.grad!.data);
    const step = 1e-5;
    const want = got.map((_, i) => {
      const old = w.data[i];
      w.data[i] = old + step;
      const up = noGrad(() => loss().item());
      w.data[i] = old - step;
      const down = noGrad(() => loss().item());
      w.data[i] = old;
      return (up - down) / (2 * step);
    });
    const scale = Math.max(...want.map(Math.abs));
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want[i]) / scale).toBeLessThan(1e-5);
  });
});
