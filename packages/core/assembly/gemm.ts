// SGEMM for row-major float32: C = op(A)·op(B), packed GotoBLAS/BLIS-style. Both operands are
// packed into contiguous, zero-padded panels first, so all four transpose combinations run the
// same register-blocked MR×NR micro-kernel (4 rows × 8 columns = 8 v128 accumulators).
// Pointers are byte addresses in this module's memory; the caller lays out the operands and
// provides the scratch for the packed panels (see gemmScratchBytes).

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 128;
const NC: i32 = 2048;

/** Bytes of scratch gemm needs for given sizes: packed A block + packed B block + one C tile. */
export function gemmScratchBytes(m: i32, n: i32, k: i32): i32 {
  const kc = min(k, KC);
  const mc = (min(m, MC) + MR - 1) / MR * MR;
  const nc = (min(n, NC) + NR - 1) / NR * NR;
  return (kc * mc + kc * nc + MR * NR) * 4 + 64;
}

// Packs op(A)[i0 .. i0+mc, p0 .. p0+kc] into MR-row slivers: dst[s][p][r], rows past mc zeroed.
function packA(a: usize, lda: i32, transA: bool, i0: i32, p0: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    if (transA) {
      // A stored K×M: the MR values of one p are contiguous.
      let src = a + (<usize>p0 * <usize>lda + <usize>(i0 + ir)) * 4;
      const step = <usize>lda * 4;
      if (rows === MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          src += step;
          dst += 16;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(src + (<usize>r << 2)) : 0);
          src += step;
          dst += 16;
        }
      }
    } else {
      // A stored M×K: walk MR rows in step, transposing 4×4 blocks in registers.
      const step = <usize>lda * 4;
      const r0 = a + (<usize>(i0 + ir) * <usize>lda + <usize>p0) * 4;
      if (rows === MR) {
        const r1 = r0 + step;
        const r2 = r1 + step;
        const r3 = r2 + step;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = <usize>p << 2;
          const x0 = v128.load(r0 + o);
          const x1 = v128.load(r1 + o);
          const x2 = v128.load(r2 + o);
          const x3 = v128.load(r3 + o);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(dst, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
          v128.store(dst, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
          v128.store(dst, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
          dst += 64;
        }
        for (; p < kc; p++) {
          const o = <usize>p << 2;
          store<f32>(dst, load<f32>(r0 + o));
          store<f32>(dst, load<f32>(r1 + o), 4);
          store<f32>(dst, load<f32>(r2 + o), 8);
          store<f32>(dst, load<f32>(r3 + o), 12);
          dst += 16;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = <usize>p << 2;
          for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < rows ? load<f32>(r0 + <usize>r * step + o) : 0);
          dst += 16;
        }
      }
    }
  }
}

// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] into NR-column slivers: dst[s][p][c], columns past nc zeroed.
function packB(b: usize, ldb: i32, transB: bool, p0: i32, j0: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    if (!transB) {
      // B stored K×N: the NR values of one p are contiguous.
      let src = b + (<usize>p0 * <usize>ldb + <usize>(j0 + jr)) * 4;
      const step = <usize>ldb * 4;
      if (cols === NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += step;
          dst += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(src + (<usize>c << 2)) : 0);
          src += step;
          dst += 32;
        }
      }
    } else {
      // B stored N×K: NR rows of B become the NR columns; transpose 4×4 blocks in registers.
      const step = <usize>ldb * 4;
      const base = b + (<usize>(j0 + jr) * <usize>ldb + <usize>p0) * 4;
      if (cols === NR) {
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const o = base + (<usize>p << 2);
          for (let h = 0; h < 2; h++) {
            const q = o + <usize>(h * 4) * step;
            const x0 = v128.load(q);
            const x1 = v128.load(q + step);
            const x2 = v128.load(q + 2 * step);
            const x3 = v128.load(q + 3 * step);
            const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
            const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
            const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
            const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
            const d = dst + (<usize>h << 4);
            v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
            v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
            v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
            v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
          }
          dst += 128;
        }
        for (; p < kc; p++) {
          const o = base + (<usize>p << 2);
          for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), load<f32>(o + <usize>c * step));
          dst += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = base + (<usize>p << 2);
          for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>c << 2), c < cols ? load<f32>(o + <usize>c * step) : 0);
          dst += 32;
        }
      }
    }
  }
}

// c + a·b: fused (one rounding) where the engine has relaxed SIMD — the kernels-fma builds, used
// when the engine validates them (Node 22+, or Node 20 with --experimental-wasm-relaxed-simd) —
// else a multiply and an add. ASC_FEATURE_RELAXED_SIMD is a compile-time constant.
// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(a, b, c) : f32x4.add(c, f32x4.mul(a, b));
}

// The micro-kernel: the MR×NR tile at c (row stride ldc bytes) = (or +=) Σ_p pa[p]ᵀ·pb[p].
// @ts-ignore: decorator
@inline
function micro(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = c00;
  let c10 = c00;
  let c11 = c00;
  let c20 = c00;
  let c21 = c00;
  let c30 = c00;
  let c31 = c00;
  // Step on the pointer, not a counter: V8 keeps a counter's bound in a stack slot, and the
  // extra load and compare per step cost 6% (this loop is nearly all of a large gemm's time).
  const end = pb + (<usize>kc << 5);
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += 32;
  }
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc));
    c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc));
    c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc));
    c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

// The micro-kernel for a last sliver of 4 columns (n = 100 = 12·8 + 4 in the MNIST MLP): the
// left half of micro, MR×4, instead of a full MR×8 tile half of which is padding (4% of X·W1).
// @ts-ignore: decorator
@inline
function microHalf(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c0 = f32x4.splat(0);
  let c1 = c0;
  let c2 = c0;
  let c3 = c0;
  const end = pb + (<usize>kc << 5);
  while (pb < end) {
    const b0 = v128.load(pb);
    c0 = madd(v128.load32_splat(pa), b0, c0);
    c1 = madd(v128.load32_splat(pa, 4), b0, c1);
    c2 = madd(v128.load32_splat(pa, 8), b0, c2);
    c3 = madd(v128.load32_splat(pa, 12), b0, c3);
    pa += 16;
    pb += 32;
  }
  if (accumulate) {
    c0 = f32x4.add(c0, v128.load(c));
    c1 = f32x4.add(c1, v128.load(c + ldc));
    c2 = f32x4.add(c2, v128.load(c + 2 * ldc));
    c3 = f32x4.add(c3, v128.load(c + 3 * ldc));
  }
  v128.store(c, c0);
  v128.store(c + ldc, c1);
  v128.store(c + 2 * ldc, c2);
  v128.store(c + 3 * ldc, c3);
}

/**
 * C (m×n, row-major, contiguous) = op(A)·op(B). A is stored m×k (k×m when transA), B k×n (n×k
 * when transB). `scratch` must hold gemmScratchBytes(m, n, k) bytes, 16-byte aligned.
 * Rows [i0, i1) of C only, so callers can split the work across threads.
 */
export function sgemmRows(
  a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool,
  scratch: usize, i0: i32, i1: i32,
): void {
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  const ldc = <usize>n * 4;
  if (k === 0) {
    memory.fill(c + <usize>i0 * ldc, 0, <usize>(i1 - i0) * ldc);
    return;
  }
  const kcMax = min(k, KC);
  const mcMax = (min(m, MC) + MR - 1) / MR * MR;
  const pa = (scratch + 15) & ~15;
  const pb = pa + <usize>(kcMax * mcMax) * 4;
  const nc0 = (min(n, NC) + NR - 1) / NR * NR;
  const tile = pb + <usize>(kcMax * nc0) * 4;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const acc = pc > 0;
      packB(b, ldb, transB, pc, jc, kc, nc, pb);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        packA(a, lda, transA, ic, pc, mc, kc, pa);
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const pbs = pb + <usize>(jr * kc) * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const pas = pa + <usize>(ir * kc) * 4;
            const cp = c + <usize>(ic + ir) * ldc + (<usize>(jc + jr) << 2);
            if (rows === MR && cols === NR) {
              micro(kc, pas, pbs, cp, ldc, acc);
            } else if (rows === MR && cols === 4) {
              microHalf(kc, pas, pbs, cp, ldc, acc);
            } else {
              micro(kc, pas, pbs, tile, NR * 4, false);
              for (let r = 0; r < rows; r++) {
                for (let q = 0; q < cols; q++) {
                  const d = cp + <usize>r * ldc + (<usize>q << 2);
                  const v = load<f32>(tile + (<usize>(r * NR + q) << 2));
                  store<f32>(d, acc ? load<f32>(d) + v : v);
                }
              }
            }
          }
        }
      }
    }
  }
}

/** Whole-matrix sgemm; see sgemmRows. */
export function sgemm(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: bool, transB: bool, scratch: usize): void {
  sgemmRows(a, b, c, m, n, k, transA, transB, scratch, 0, m);
}
