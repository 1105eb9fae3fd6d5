/**
 * Every size at which an accelerated kernel takes over from the JS reference, or a gemm may be
 * split across threads, with the measurement behind it. One object, so the gates of every
 * backend read their numbers from one place (tests set them to 0 to reach every path).
 *
 * @example
 * const saved = structuredClone(thresholds); thresholds.wasm.gemm = 0; // … Object.assign back
 */
export const thresholds = {
  /**
   * The WASM SIMD kernels, whose every call copies its operands in and out: measured with
   * packages/core/bench/gemm.ts and bench/elementwise.ts on a 2-core Zen 4 (Node 20).
   */
  wasm: {
    /** m·n·k of a float32 gemm (WASM is ~3× faster at 8³ already, slower at 4³). */
    gemm: 512,
    /** Elements of a cheap elementwise op (add, mul, div, relu …): break-even is ~100. */
    cheap: 128,
    /** Elements of exp, sigmoid or tanh: break-even is ~16. */
    transcendental: 32,
    /**
     * m·n·k from which a gemm may be split across the worker pool: on an idle machine two
     * threads break even at 64³ and reach ~1.4× at 96³–128³ and on the MNIST-MLP products
     * (100×784×100), 1.5× at 256³, 1.9× at 1024³.
     */
    threaded: 1 << 19,
  },
  /** The native gemm (kernels/native), measured on the 2-core Zen 5 of the README. */
  native: {
    /**
     * m·n·k below which the JS kernel is faster than the addon call (~0.2 µs of N-API
     * overhead): 4³ takes 0.13 µs in JS and 0.23 natively, 6³ 0.40 and 0.27.
     */
    gemm: 128,
    /**
     * m·n·k from which a gemm may be split across the addon's threads: 128³ (~25 µs on one
     * AVX-512 core) ran 1.4× faster on two threads in `npm run bench`, 64³ not at all.
     */
    threaded: 1 << 21,
    /**
     * Elements from which the native window kernels (im2col, pooling, bias, scatter-add, row
     * sums) take over from JS: a call costs ~0.3 µs, a JS loop ~1 ns an element.
     */
    window: 512,
    /**
     * Elements from which the native elementwise kernels take over from WASM (whose copies in
     * and out cost more than the arithmetic for large tensors) or JS: 2¹⁵.
     */
    elementwise: 1 << 15,
    /**
     * Elements (or output elements of a convolution) from which a native window, elementwise or
     * convolution call may be split across the addon's threads when that has been faster lately
     * (kernels/native/split.ts); the C side does not split below 2¹⁶ elements either.
     */
    split: 1 << 16,
    /**
     * batch·hidden of a float32 recurrent-cell step from which the addon's kernels take over:
     * they read the arrays in place, so only the call (~0.3 µs) is overhead; the JS loop takes
     * ~0.1 µs an element (five exponentials).
     */
    cells: 8,
    /**
     * batch·hidden of a float32 LSTM step (steps·batch·hidden of a whole sequence) from which its
     * batch may be split across the addon's threads (when that has been faster lately,
     * kernels/threads.ts): B = H = 128 takes ~65 µs on one AVX-512 core, a hand-off a few µs;
     * 64×64 about 16 µs.
     */
    cellsThreaded: 1 << 12,
  },
  /**
   * Above a `threaded` size, choose between one thread and all of them by measured time
   * (kernels/threads.ts); false splits every such gemm (for tests).
   */
  adaptive: true as boolean,
};
