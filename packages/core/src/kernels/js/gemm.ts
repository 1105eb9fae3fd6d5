import type { KernelBackend } from '../backend';

/**
 * The reference gemm: `C = op(A)·op(B)` (see GemmArgs) without materialising any transpose. Loop
 * orders keep the innermost loop on unit stride for every flag combination. Zeros are not
 * skipped: 0·∞ and 0·NaN must give NaN, as IEEE and PyTorch, or a diverged weight hides behind
 * a zero activation.
 *
 * @example
 * const c = new Float32Array(4);
 * gemm({ a, aOff: 0, b, bOff: 0, c, cOff: 0, m: 2, n: 2, k: 3, transA: false, transB: false });
 */
export const gemm: KernelBackend['gemm'] = ({ a, aOff, b, bOff, c, cOff, m, n, k, transA, transB }) => {
  c.fill(0, cOff, cOff + m * n);
  if (!transB) {
    // C[i,:] += A[i,p] · B[p,:]  (B rows are contiguous)
    const sa = transA ? 1 : k;
    const sp = transA ? m : 1;
    for (let i = 0; i < m; i++) {
      const ci = cOff + i * n;
      for (let p = 0; p < k; p++) {
        const aip = a[aOff + i * sa + p * sp];
        const bp = bOff + p * n;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
    return;
  }
  if (!transA) {
    // C[i,j] = A[i,:]·B[j,:]  (both rows contiguous)
    for (let i = 0; i < m; i++) {
      const ai = aOff + i * k;
      const ci = cOff + i * n;
      for (let j = 0; j < n; j++) {
        const bj = bOff + j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
        c[ci + j] = s;
      }
    }
    return;
  }
  // A stored K×M, B stored N×K: C[i,j] = Σ_p A[p,i]·B[j,p]; walk p outermost over rows of A.
  for (let j = 0; j < n; j++) {
    const bj = bOff + j * k;
    for (let p = 0; p < k; p++) {
      const bjp = b[bj + p];
      const ap = aOff + p * m;
      for (let i = 0; i < m; i++) c[cOff + i * n + j] += a[ap + i] * bjp;
    }
  }
};
