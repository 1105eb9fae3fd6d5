import * as tg from '@tapegrad/core';
import { hooks } from '../src/autograd/op-hooks';

const THIS_FILE = /transforms-anomaly\.test\.ts:\d+:\d+/;

function caught(fn: () => unknown): tg.AnomalyError {
  try {
    fn();
  } catch (e) {
    if (e instanceof tg.AnomalyError) return e;
    throw e;
  }
  throw new Error('expected an AnomalyError');
}

describe('detectAnomaly', () => {
  test('log(0) = −Infinity in the forward throws, naming log, the call site and the input shapes', () => {
    const x = tg.tensor([1, 0, 2], { requiresGrad: true });
    const e = caught(() => tg.detectAnomaly(() => x.log().sum()));
    expect(e).toBeInstanceOf(tg.TapegradError);
    expect(e.op).toBe('log');
    expect(e.phase).toBe('forward');
    expect(e.inputShapes).toEqual([[3]]);
    expect(e.callSite).toMatch(THIS_FILE);
    expect(e.message).toMatch(/'log' produced -Infinity at flat index 1 of its output \[3\], from finite inputs/);
    expect(e.message).toContain(e.callSite!);
  });

  test('a NaN is caught too (log of a negative)', () => {
    const e = caught(() => tg.detectAnomaly(() => tg.log(tg.tensor([-1]))));
    expect(e.op).toBe('log');
    expect(e.message).toMatch(/produced NaN/);
  });

  test('the call site is the user line even through composite ops', () => {
    const x = tg.tensor([[1, 2]]);
    const e = caught(() =>
      tg.detectAnomaly(() => {
        const big = x.mul(1e38);
        return big.mul(big); // overflows float32
      }),
    );
    expect(e.op).toBe('mul');
    expect(e.callSite).toMatch(THIS_FILE);
  });

  test('non-finite values already in the inputs are reported as such', () => {
    const e = caught(() => tg.detectAnomaly(() => tg.tensor([Infinity]).mul(2)));
    expect(e.message).toMatch(/its inputs already held NaN\/Infinity/);
  });

  test('an infinite gradient in backward names the op whose rule produced it and where it was created', () => {
    const x = tg.tensor([4, 0], { requiresGrad: true });
    let forwardLine = '';
    const e = caught(() =>
      tg.detectAnomaly(() => {
        const y = x.sqrt(); // sqrt(0) = 0 is fine; its gradient 1/(2·0) is not
        forwardLine = new Error().stack!.split('\n')[1];
        y.sum().backward();
      }),
    );
    expect(e.op).toBe('sqrt');
    expect(e.phase).toBe('backward');
    expect(e.inputShapes).toEqual([[2]]);
    expect(e.callSite).toMatch(THIS_FILE);
    const line = (s: string) => /:(\d+):\d+\)?$/.exec(s)![1];
    expect(line(e.callSite!)).toBe(String(Number(line(forwardLine)) - 1));
    expect(e.message).toMatch(/the backward of 'sqrt' produced Infinity \(in its 'div' step/);
  });

  test("a rule returning NaN directly is caught after the rule, naming the node's input", () => {
    const nanGrad = tg.defineOp({
      name: 'nanGrad',
      forward: ([a]) => tg.noGrad(() => a.mul(1)),
      backward: (gy) => [tg.full(gy.shape, NaN)],
    });
    const x = tg.tensor([1, 2], { requiresGrad: true });
    const e = caught(() => tg.detectAnomaly(() => tg.runOp(nanGrad, [x], undefined).sum().backward()));
    expect(e.op).toBe('nanGrad');
    expect(e.message).toMatch(
      /the backward of 'nanGrad' returned NaN at flat index 0 of the gradient for input 0 \[2\]/,
    );
  });

  test('a node recorded outside anomaly mode has no call site, and the message says how to get one', () => {
    const x = tg.tensor([0], { requiresGrad: true });
    const y = x.sqrt().sum();
    const e = caught(() => tg.detectAnomaly(() => y.backward()));
    expect(e.callSite).toBeNull();
    expect(e.message).toMatch(/recorded outside anomaly mode/);
  });

  test('off by default: log(0) just gives −Infinity, and no call sites are captured', () => {
    expect(tg.isAnomalyEnabled()).toBe(false);
    const x = tg.tensor([0], { requiresGrad: true });
    const y = x.log();
    expect(y.item()).toBe(-Infinity);
    expect(y.creator!.callSite).toBeNull();
    expect(hooks.afterForward).toBeNull();
  });

  test('the scope restores everything, also when it throws; nesting keeps the outer setting', () => {
    const limit = Error.stackTraceLimit;
    expect(() => tg.detectAnomaly(() => tg.log(tg.zeros([1])))).toThrow(tg.AnomalyError);
    expect(tg.isAnomalyEnabled()).toBe(false);
    expect([hooks.afterForward, hooks.onRecord, hooks.beforeBackward, hooks.afterBackward]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(Error.stackTraceLimit).toBe(limit);
    tg.detectAnomaly(() => {
      tg.detectAnomaly(() => undefined);
      expect(tg.isAnomalyEnabled()).toBe(true);
    });
    expect(tg.isAnomalyEnabled()).toBe(false);
  });

  test('setDetectAnomaly is the process-wide flag; nodes remember their call site while it is on', () => {
    const prev = tg.setDetectAnomaly(true);
    try {
      expect(prev).toBe(false);
      const y = tg.tensor([1], { requiresGrad: true }).exp();
      expect(y.creator!.callSite).toMatch(THIS_FILE);
      expect(() => tg.log(tg.zeros([1]))).toThrow(/'log' produced -Infinity/);
    } finally {
      tg.setDetectAnomaly(false);
    }
    expect(tg.log(tg.zeros([1])).item()).toBe(-Infinity);
  });

  test('shape errors name the calling line in anomaly mode only', () => {
    const bad = () => tg.matmul(tg.zeros([2, 3]), tg.zeros([4, 5]));
    expect(bad).toThrow(/^matmul: inner dimensions differ: a is \[2,3\], b is \[4,5\]$/);
    let msg = '';
    try {
      tg.detectAnomaly(bad);
    } catch (e) {
      msg = (e as Error).message;
      expect(e).toBeInstanceOf(tg.ShapeError);
    }
    expect(msg).toMatch(
      /^matmul: inner dimensions differ: a is \[2,3\], b is \[4,5\]\n {4}\(called at .*transforms-anomaly\.test\.ts:\d+:\d+\)$/,
    );
  });

  test('userCallSite skips frames inside tapegrad and node internals', () => {
    const stack = [
      'Error',
      '    at checkForward (/repo/packages/core/src/autograd/anomaly.ts:10:5)',
      '    at runOp (/repo/node_modules/@tapegrad/core/dist/autograd/op.js:80:3)',
      '    at node:internal/main:1:1',
      '    at train (/home/me/project/train.ts:42:17)',
    ].join('\n');
    // Frames under this checkout's packages/<pkg>/src are tapegrad's own.
    const own = stack.replace('/repo/packages', `${__dirname}/../..`);
    expect(tg.userCallSite(own)).toBe('/home/me/project/train.ts:42:17');
    expect(tg.userCallSite(undefined)).toBeNull();
  });
});
