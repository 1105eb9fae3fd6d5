// Vectorised float32 transcendental functions (Cephes single-precision polynomials), accurate to
// a few ulp over the whole float32 range, NaN-propagating, with correct overflow to ±Infinity
// and gradual underflow to subnormals and zero.
//
// V8 rebuilds every v128.const inside a loop with several instructions, so the constants live in
// a static table and are read with one broadcast load each (k(i) below).

const K = memory.data<f32>([
  89.0, // 0: exp overflow clamp
  -104.0, // 1: exp underflow clamp
  1.44269504088896341, // 2: log2(e)
  12582912.0, // 3: 1.5·2^23, rounds to nearest integer when added
  0.693359375, // 4: ln2 high part
  -2.12194440e-4, // 5: ln2 low part
  1.9875691500e-4, // 6..11: exp polynomial
  1.3981999507e-3,
  8.3334519073e-3,
  4.1665795894e-2,
  1.6666665459e-1,
  5.0000001201e-1,
  1.0, // 12
  -5.70498872745e-3, // 13..17: tanh polynomial
  2.06390887954e-2,
  -5.37397155531e-2,
  1.33314422036e-1,
  -3.33332819422e-1,
  2.0, // 18
  0.625, // 19: tanh polynomial / exp switch
  -0.0, // 20: the sign bit
]);

// @ts-ignore: decorator
@inline
export function k(i: i32): v128 {
  return v128.load32_splat(K + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
export function expV(x0: v128): v128 {
  // pmin/pmax keep a NaN first operand, so NaN flows through; below -104 the result is 0,
  // above 89 it is +Inf.
  const x = f32x4.pmax(f32x4.pmin(x0, k(0)), k(1));
  // n = round(x·log2 e) by the 1.5·2^23 trick: the low mantissa bits of t hold n.
  const t = f32x4.add(f32x4.mul(x, k(2)), k(3));
  const fx = f32x4.sub(t, k(3));
  const n = i32x4.sub(t, k(3));
  // r = x - n·ln2 in two steps (Cody–Waite) so r keeps full precision.
  let r = f32x4.sub(x, f32x4.mul(fx, k(4)));
  r = f32x4.sub(r, f32x4.mul(fx, k(5)));
  const z = f32x4.mul(r, r);
  let y = f32x4.add(f32x4.mul(k(6), r), k(7));
  y = f32x4.add(f32x4.mul(y, r), k(8));
  y = f32x4.add(f32x4.mul(y, r), k(9));
  y = f32x4.add(f32x4.mul(y, r), k(10));
  y = f32x4.add(f32x4.mul(y, r), k(11));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), r), k(12));
  // y·2ⁿ as y·2^(n>>1)·2^(n-(n>>1)): both factors are normal floats for n in [-150, 128].
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const one = k(12);
  const p1 = i32x4.add(i32x4.shl(n1, 23), one);
  const p2 = i32x4.add(i32x4.shl(n2, 23), one);
  return f32x4.mul(f32x4.mul(y, p1), p2);
}

// @ts-ignore: decorator
@inline
export function sigmoidV(x: v128): v128 {
  // Never exponentiates a positive number: e = exp(-|x|), σ = 1/(1+e) for x ≥ 0, e/(1+e) else.
  const one = k(12);
  const e = expV(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(one, f32x4.add(one, e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, f32x4.splat(0)));
}

// @ts-ignore: decorator
@inline
export function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  // |x| < 0.625: odd polynomial; otherwise 1 - 2/(e^{2|x|}+1), with the sign of x copied back.
  const z = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(k(13), z), k(14));
  p = f32x4.add(f32x4.mul(p, z), k(15));
  p = f32x4.add(f32x4.mul(p, z), k(16));
  p = f32x4.add(f32x4.mul(p, z), k(17));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  const one = k(12);
  const e = expV(f32x4.add(ax, ax));
  const big = f32x4.sub(one, f32x4.div(k(18), f32x4.add(e, one)));
  const bigSigned = v128.or(big, v128.and(x, k(20)));
  return v128.bitselect(small, bigSigned, f32x4.lt(ax, k(19)));
}
