// Elementwise float32 kernels over n elements at byte addresses. The host pads every buffer to
// a multiple of 4 floats, so the loops run whole v128 lanes with no scalar tail.
import { expV, k, sigmoidV, tanhV } from './math';

// Op codes shared with src/kernels/wasm/ops.ts.
const ADD = 0;
const SUB = 1;
const MUL = 2;
const DIV = 3;
const MAXIMUM = 4;
const MINIMUM = 5;
const EQ = 6;
const GT = 7;
const LT = 8;
const GE = 9;
const LE = 10;

/** out = a (op) b elementwise. */
export function binaryF32(op: i32, a: usize, b: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 2);
  const one = k(12);
  switch (op) {
    case ADD:
      for (; out < end; out += 16, a += 16, b += 16) v128.store(out, f32x4.add(v128.load(a), v128.load(b)));
      return;
    case SUB:
      for (; out < end; out += 16, a += 16, b += 16) v128.store(out, f32x4.sub(v128.load(a), v128.load(b)));
      return;
    case MUL:
      for (; out < end; out += 16, a += 16, b += 16) v128.store(out, f32x4.mul(v128.load(a), v128.load(b)));
      return;
    case DIV:
      for (; out < end; out += 16, a += 16, b += 16) v128.store(out, f32x4.div(v128.load(a), v128.load(b)));
      return;
    case MAXIMUM:
      // a >= b || a is NaN ? a : b, exactly as the JS kernel: NaN in either operand propagates.
      for (; out < end; out += 16, a += 16, b += 16) {
        const x = v128.load(a);
        const y = v128.load(b);
        v128.store(out, v128.bitselect(x, y, v128.or(f32x4.ge(x, y), f32x4.ne(x, x))));
      }
      return;
    case MINIMUM:
      for (; out < end; out += 16, a += 16, b += 16) {
        const x = v128.load(a);
        const y = v128.load(b);
        v128.store(out, v128.bitselect(x, y, v128.or(f32x4.le(x, y), f32x4.ne(x, x))));
      }
      return;
    case EQ:
      for (; out < end; out += 16, a += 16, b += 16) v128.store(out, v128.and(f32x4.eq(v128.load(a), v128.load(b)), one));
      return;
    case GT:
      for (; out < end; out += 16, a += 16, b += 16) v128.store(out, v128.and(f32x4.gt(v128.load(a), v128.load(b)), one));
      return;
    case LT:
      for (; out < end; out += 16, a += 16, b += 16) v128.store(out, v128.and(f32x4.lt(v128.load(a), v128.load(b)), one));
      return;
    case GE:
      for (; out < end; out += 16, a += 16, b += 16) v128.store(out, v128.and(f32x4.ge(v128.load(a), v128.load(b)), one));
      return;
    case LE:
      for (; out < end; out += 16, a += 16, b += 16) v128.store(out, v128.and(f32x4.le(v128.load(a), v128.load(b)), one));
      return;
  }
}

const S_ADD = 0;
const S_MUL = 1;
const S_SQUARE = 2;
const S_RSUB = 3;
const S_RDIV = 4;

/** out = a (op) s for a scalar s (S_SQUARE is pow with s = 2). */
export function binaryScalarF32(op: i32, a: usize, s: f32, out: usize, n: i32): void {
  const end = out + (<usize>n << 2);
  const v = f32x4.splat(s);
  switch (op) {
    case S_ADD:
      for (; out < end; out += 16, a += 16) v128.store(out, f32x4.add(v128.load(a), v));
      return;
    case S_MUL:
      for (; out < end; out += 16, a += 16) v128.store(out, f32x4.mul(v128.load(a), v));
      return;
    case S_SQUARE:
      for (; out < end; out += 16, a += 16) {
        const x = v128.load(a);
        v128.store(out, f32x4.mul(x, x));
      }
      return;
    case S_RSUB:
      for (; out < end; out += 16, a += 16) v128.store(out, f32x4.sub(v, v128.load(a)));
      return;
    case S_RDIV:
      for (; out < end; out += 16, a += 16) v128.store(out, f32x4.div(v, v128.load(a)));
      return;
  }
}

const U_NEG = 0;
const U_EXP = 1;
const U_SQRT = 2;
const U_ABS = 3;
const U_SIGMOID = 4;
const U_TANH = 5;
const U_RELU = 6;
const U_STEP = 7;
const U_SQUARE = 8;
const U_RECIPROCAL = 9;
const U_SIGN = 10;

/** out = f(a) elementwise. */
export function unaryF32(op: i32, a: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 2);
  const zero = f32x4.splat(0);
  const one = k(12);
  switch (op) {
    case U_NEG:
      for (; out < end; out += 16, a += 16) v128.store(out, f32x4.neg(v128.load(a)));
      return;
    case U_EXP:
      for (; out < end; out += 16, a += 16) v128.store(out, expV(v128.load(a)));
      return;
    case U_SQRT:
      for (; out < end; out += 16, a += 16) v128.store(out, f32x4.sqrt(v128.load(a)));
      return;
    case U_ABS:
      for (; out < end; out += 16, a += 16) v128.store(out, f32x4.abs(v128.load(a)));
      return;
    case U_SIGMOID:
      for (; out < end; out += 16, a += 16) v128.store(out, sigmoidV(v128.load(a)));
      return;
    case U_TANH:
      for (; out < end; out += 16, a += 16) v128.store(out, tanhV(v128.load(a)));
      return;
    case U_RELU:
      // x <= 0 ? 0 : x, so NaN stays NaN (as the JS kernel and PyTorch).
      for (; out < end; out += 16, a += 16) {
        const x = v128.load(a);
        v128.store(out, v128.andnot(x, f32x4.le(x, zero)));
      }
      return;
    case U_STEP:
      for (; out < end; out += 16, a += 16) v128.store(out, v128.and(f32x4.gt(v128.load(a), zero), one));
      return;
    case U_SQUARE:
      for (; out < end; out += 16, a += 16) {
        const x = v128.load(a);
        v128.store(out, f32x4.mul(x, x));
      }
      return;
    case U_RECIPROCAL:
      for (; out < end; out += 16, a += 16) v128.store(out, f32x4.div(one, v128.load(a)));
      return;
    case U_SIGN:
      // 1 for x > 0, -1 for x < 0, 0 for ±0 and NaN, as the JS kernel.
      for (; out < end; out += 16, a += 16) {
        const x = v128.load(a);
        const pos = v128.and(f32x4.gt(x, zero), one);
        const neg = v128.and(f32x4.lt(x, zero), v128.or(one, k(20)));
        v128.store(out, v128.or(pos, neg));
      }
      return;
  }
}

/** y = β·y + α·x (BLAS axpby): the plain SGD step w ← (1 − lr·λ)·w − lr·g in one pass. */
export function axpbyF32(alpha: f32, x: usize, beta: f32, y: usize, n: i32): void {
  const end = y + (<usize>n << 2);
  const va = f32x4.splat(alpha);
  const vb = f32x4.splat(beta);
  for (; y < end; y += 16, x += 16) v128.store(y, f32x4.add(f32x4.mul(vb, v128.load(y)), f32x4.mul(va, v128.load(x))));
}

/** out = gy·y·(1 − y): sigmoid's backward from its output y. */
export function sigmoidGradF32(gy: usize, y: usize, out: usize, n: i32): void {
  const end = out + (<usize>n << 2);
  const one = f32x4.splat(1);
  for (; out < end; out += 16, gy += 16, y += 16) {
    const v = v128.load(y);
    v128.store(out, f32x4.mul(f32x4.mul(v128.load(gy), v), f32x4.sub(one, v)));
  }
}

/** y[r, :] += b for each of `rows` rows of `cols` (a bias row added to a row-major matrix). */
export function addRowsF32(y: usize, b: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  const vecEnd = <usize>(cols & ~3) << 2;
  for (let r = 0; r < rows; r++) {
    const row = y + <usize>r * rowBytes;
    let j: usize = 0;
    for (; j < vecEnd; j += 16) v128.store(row + j, f32x4.add(v128.load(row + j), v128.load(b + j)));
    for (; j < rowBytes; j += 4) store<f32>(row + j, load<f32>(row + j) + load<f32>(b + j));
  }
}

/**
 * out[o, i] = Σ_l x[o, l, i] over the (outer, len, inner) layout, summed in l order in float32
 * as the JS kernel does (so the two agree bit for bit); out is overwritten.
 */
export function sumAxisF32(x: usize, outer: i32, len: i32, inner: i32, out: usize): void {
  const innerBytes = <usize>inner << 2;
  const vecEnd = <usize>(inner & ~3) << 2;
  for (let o = 0; o < outer; o++) {
    const dst = out + <usize>o * innerBytes;
    const src = x + <usize>o * <usize>len * innerBytes;
    memory.fill(dst, 0, innerBytes);
    for (let l = 0; l < len; l++) {
      const row = src + <usize>l * innerBytes;
      let i: usize = 0;
      for (; i < vecEnd; i += 16) v128.store(dst + i, f32x4.add(v128.load(dst + i), v128.load(row + i)));
      for (; i < innerBytes; i += 4) store<f32>(dst + i, load<f32>(dst + i) + load<f32>(row + i));
    }
  }
}
