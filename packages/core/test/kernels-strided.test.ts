import fc from 'fast-check';
import { jsBackend } from '../src/kernels';

/** The view's elements in row-major order, by the definition: src[offset + Σ idx[k]·strides[k]]. */
function naive(src: Float64Array, offset: number, strides: number[], shape: number[]): number[] {
  const out: number[] = [];
  const n = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < n; i++) {
    let rest = i;
    let at = offset;
    for (let k = shape.length - 1; k >= 0; k--) {
      at += (rest % shape[k]) * strides[k];
      rest = Math.floor(rest / shape[k]);
    }
    out.push(src[at]);
  }
  return out;
}

/** A view of a source array: a row-major layout permuted, sliced, broadcast or merged. */
const views = fc
  .array(fc.integer({ min: 1, max: 40 }), { minLength: 0, maxLength: 4 })
  .filter((base) => base.reduce((a, b) => a * b, 1) <= 4000)
  .chain((base) => {
    const dense = base.map((_, k) => base.slice(k + 1).reduce((a, b) => a * b, 1));
    return fc.record({
      base: fc.constant(base),
      perm: fc.shuffledSubarray(
        base.map((_, k) => k),
        { minLength: base.length, maxLength: base.length },
      ),
      broadcast: fc.array(fc.boolean(), { minLength: base.length, maxLength: base.length }),
      dense: fc.constant(dense),
    });
  })
  .map(({ base, perm, broadcast, dense }) => ({
    size: base.reduce((a, b) => a * b, 1),
    shape: perm.map((k) => base[k]),
    strides: perm.map((k) => (broadcast[k] ? 0 : dense[k])),
  }));

test('stridedCopy and stridedScatter match the definition on permuted, broadcast and contiguous views (long rows included)', () => {
  fc.assert(
    fc.property(views, ({ size, shape, strides }) => {
      const src = Float64Array.from({ length: size }, (_, i) => i + 0.5);
      const n = shape.reduce((a, b) => a * b, 1);
      const dst = new Float64Array(n);
      jsBackend.stridedCopy(src, 0, strides, shape, dst);
      expect(Array.from(dst)).toEqual(naive(src, 0, strides, shape));
      // The scatter writes each element of a non-overlapping view back where the copy read it.
      if (strides.every((s) => s !== 0)) {
        const back = new Float64Array(size).fill(-1);
        jsBackend.stridedScatter(dst, back, 0, strides, shape);
        expect(Array.from(back)).toEqual(Array.from(src));
      }
    }),
    { numRuns: 200 },
  );
});

test('a slice of leading axes at an offset (one contiguous block) and a reversed axis', () => {
  const src = Float64Array.from({ length: 2 * 5 * 64 }, (_, i) => i);
  const dst = new Float64Array(3 * 64);
  jsBackend.stridedCopy(src, 64, [64, 1], [3, 64], dst);
  expect(Array.from(dst)).toEqual(Array.from(src.subarray(64, 64 + 192)));
  const rev = new Float64Array(5 * 64);
  jsBackend.stridedCopy(src, 4 * 64, [-64, 1], [5, 64], rev);
  expect(Array.from(rev.subarray(0, 64))).toEqual(Array.from(src.subarray(256, 320)));
  expect(Array.from(rev.subarray(256))).toEqual(Array.from(src.subarray(0, 64)));
});
