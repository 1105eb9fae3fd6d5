import { jsBackend, type KernelBackend } from '../src/kernels';
import { type Accelerated, layer } from '../src/kernels/dispatch';

// The one dispatch rule: gate(args) && run(args) || base(args), for every accelerated kernel.
describe('layer (the dispatch rule)', () => {
  const calls: string[] = [];
  const base: KernelBackend = {
    ...jsBackend,
    unary: (kind, a, out) => {
      calls.push('base');
      jsBackend.unary(kind, a, out);
    },
  };
  const unary = (fits: boolean): Accelerated<'unary'> => ({
    gate: (_kind, a) => a instanceof Float32Array && a.length >= 4,
    run: (_kind, a, out) => {
      calls.push(fits ? 'accelerated' : 'declined');
      if (fits) out.fill(7);
      return fits;
    },
  });

  beforeEach(() => (calls.length = 0));

  test('the gate picks the accelerated kernel; below it, or for another dtype, the base runs', () => {
    const be = layer('test', base, { unary: unary(true) });
    const out = new Float32Array(4);
    be.unary('neg', new Float32Array([1, 2, 3, 4]), out);
    expect(Array.from(out)).toEqual([7, 7, 7, 7]);
    be.unary('neg', new Float32Array([1, 2]), out.subarray(0, 2));
    be.unary('neg', new Float64Array([1, 2, 3, 4]), new Float64Array(4));
    expect(calls).toEqual(['accelerated', 'base', 'base']);
  });

  test('a run that declines (operands too large for its memory) falls back to the base kernel', () => {
    const be = layer('test', base, { unary: unary(false) });
    const out = new Float32Array(4);
    be.unary('neg', new Float32Array([1, 2, 3, 4]), out);
    expect(calls).toEqual(['declined', 'base']);
    expect(Array.from(out)).toEqual([-1, -2, -3, -4]);
  });

  test('kernels without an accelerated version are the base functions themselves, under the new name', () => {
    const be = layer('test', base, { unary: unary(true) });
    expect(be.name).toBe('test');
    expect(be.gemm).toBe(jsBackend.gemm);
    expect(be.copyBlocks).toBe(jsBackend.copyBlocks);
    expect(be.unary).not.toBe(base.unary);
    expect(Object.isFrozen(be)).toBe(true);
  });

  test('kernels of eight arguments reach the accelerated and the base version whole', () => {
    const seen: unknown[][] = [];
    const be = layer('test', jsBackend, {
      copyBlocks: {
        gate: () => true,
        run: (...args) => {
          seen.push(args);
          return false;
        },
      },
    });
    const dst = new Float32Array(4);
    be.copyBlocks(new Float32Array([1, 2, 3, 4]), 0, 2, dst, 1, 2, 2, 1);
    expect(seen[0].slice(1)).toEqual([0, 2, dst, 1, 2, 2, 1]);
    expect(Array.from(dst)).toEqual([0, 1, 0, 3]);
  });

  test('a kernel of more than eight arguments is refused (the forwarder passes eight): pass a record', () => {
    const nine = (..._args: unknown[]): void => undefined;
    Object.defineProperty(nine, 'length', { value: 9 });
    const base = { ...jsBackend, copyBlocks: nine as unknown as KernelBackend['copyBlocks'] };
    expect(() => layer('test', base, { copyBlocks: { gate: () => true, run: () => true } })).toThrow(
      'layer: copyBlocks takes more than 8 arguments; pass a record',
    );
  });
});
