import { type DType, Rng, Tensor, noGrad, rand, randn } from '@tapegrad/core';
import { type ExportOptions, type ExportableModel, decodeModel, exportOnnx } from '@tapegrad/onnx';
import { relError, runOrt } from './ort';

/** Random inputs of the given shapes: normal, or uniform in [0.5, 2] when `positive`; int32 ids below `ids[i]` where given. */
export function randomInputs(
  shapes: readonly (readonly number[])[],
  rng: Rng,
  dtype: DType = 'float32',
  positive = false,
  ids: readonly (number | undefined)[] = [],
): Tensor[] {
  return shapes.map((s, i) => {
    const vocab = ids[i];
    if (vocab !== undefined) {
      const n = s.reduce((a, b) => a * b, 1);
      return new Tensor(
        Int32Array.from({ length: n }, () => rng.randint(0, vocab)),
        s,
      );
    }
    return positive ? rand(s, { rng, dtype }).mul(1.5).add(0.5) : randn(s, { rng, dtype });
  });
}

/** What {@link verifyInOrt} found. */
export interface Verified {
  bytes: Uint8Array;
  /** ONNX op types of the exported graph. */
  onnxOps: string[];
  /** Worst relative error (‖·‖∞) over every batch size, output and optimisation level. */
  worst: number;
}

/**
 * Exports `model` with axis 0 of every input dynamic ('batch'), then runs ONNX Runtime on fresh
 * random inputs for each batch size (graph optimisations on, and off for the first) and
 * compares every output with tapegrad's own forward pass.
 *
 * @example
 * const { worst } = await verifyInOrt(model, [[3, 784]], [1, 7]);
 * expect(worst).toBeLessThan(1e-5);
 */
export async function verifyInOrt(
  model: ExportableModel,
  shapes: readonly (readonly number[])[],
  batches: readonly number[],
  options: {
    dtype?: DType;
    positive?: boolean;
    export?: ExportOptions;
    seed?: number;
    /** Input i is int32 ids in [0, ids[i]) (token ids for an Embedding). */
    ids?: readonly (number | undefined)[];
  } = {},
): Promise<Verified> {
  const rng = new Rng(options.seed ?? 7);
  const { dtype = 'float32', positive = false, ids = [] } = options;
  const example = randomInputs(shapes, rng, dtype, positive, ids);
  const inputNames = shapes.length === 1 ? ['input'] : shapes.map((_, i) => `input_${i}`);
  const dynamicAxes = Object.fromEntries(inputNames.map((n) => [n, { 0: 'batch' }]));
  const bytes = exportOnnx(model, example, { dynamicAxes, onWarning: () => {}, ...options.export });
  const graph = decodeModel(bytes).graph;
  const outputNames = graph.output.map((o) => o.name);
  let worst = 0;
  for (const [k, n] of batches.entries()) {
    const xs = randomInputs(
      shapes.map((s) => [n, ...s.slice(1)]),
      rng,
      dtype,
      positive,
      ids,
    );
    const want = noGrad(() => model.forward(...xs));
    const wants = want instanceof Tensor ? [want] : [...want];
    const feeds = Object.fromEntries(inputNames.map((name, i) => [name, xs[i]]));
    for (const level of k === 0 ? (['all', 'disabled'] as const) : (['all'] as const)) {
      const got = await runOrt(bytes, feeds, level);
      wants.forEach((w, i) => {
        const g = got[outputNames[i]];
        if (g.shape.join() !== w.shape.join()) {
          throw new Error(`output ${i}: ONNX Runtime gives [${g.shape}], tapegrad [${w.shape}] (batch ${n})`);
        }
        worst = Math.max(worst, relError(g.data, w.data));
      });
    }
  }
  return { bytes, onnxOps: [...new Set(graph.node.map((node) => node.op_type))], worst };
}
