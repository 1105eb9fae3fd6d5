import type { Node, Tensor } from '@tapegrad/core';
import type { Dim } from './dims';
import { fmtDims } from './dims';
import { DynamicAxisError, OnnxExportError } from './errors';
import type { Trace } from './trace';

/** A dynamic input axis: its name, where it is, and its extent in the two traces. */
export interface AxisSymbol {
  readonly name: string;
  readonly input: number;
  readonly axis: number;
  /** Extent in the first trace (the example input). */
  readonly a: number;
  /** Extent in the second trace. */
  readonly b: number;
}

/** The two traces matched tensor by tensor, with each tensor's extents. */
export interface Alignment {
  /** Extents of every tensor of the first trace. */
  readonly dims: ReadonlyMap<Tensor, readonly Dim[]>;
  /** The second trace's tensor at the same place. */
  readonly twin: ReadonlyMap<Tensor, Tensor>;
}

/**
 * Matches two traces of the same model — the example input, and a second input whose dynamic
 * axes have other extents and whose values differ — and derives every tensor's extents: equal
 * in both traces → static; changing exactly as a dynamic input axis → that axis's name; changing
 * otherwise → unnamed dynamic. Throws when the two recorded graphs differ: then the graph
 * depends on the axes' extents (DynamicAxisError) or on the input values (OnnxExportError).
 *
 * @example
 * const { dims } = alignTraces(traceA, traceB, [{ name: 'batch', input: 0, axis: 0, a: 3, b: 4 }]);
 * dims.get(traceA.outputs[0]); // ['batch', 10]
 */
export function alignTraces(a: Trace, b: Trace, symbols: readonly AxisSymbol[]): Alignment {
  const differ = (what: string): never => {
    if (symbols.length > 0) {
      const axes = symbols.map((s) => `'${s.name}' (${s.a} → ${s.b})`).join(', ');
      throw new DynamicAxisError(
        `exportOnnx: the model records a different graph when the dynamic axes ${axes} change size (${what}); ` +
          `its graph depends on those extents, so they cannot be dynamic`,
      );
    }
    throw new OnnxExportError(
      `exportOnnx: the model records a different graph for other input values (${what}); ` +
        `data-dependent control flow cannot be exported`,
    );
  };
  if (a.tensors.length !== b.tensors.length || a.outputs.length !== b.outputs.length) {
    differ(`${a.nodes.length} nodes, then ${b.nodes.length}`);
  }
  const indexA = new Map<Tensor, number>(a.tensors.map((t, i) => [t, i]));
  const indexB = new Map<Tensor, number>(b.tensors.map((t, i) => [t, i]));
  const twin = new Map<Tensor, Tensor>();
  const dims = new Map<Tensor, Dim[]>();
  a.tensors.forEach((ta, i) => {
    const tb = b.tensors[i];
    const na: Node | null = ta.creator;
    const nb: Node | null = tb.creator;
    if ((na === null) !== (nb === null)) differ(`tensor ${i} is computed in one trace only`);
    if (na !== null && nb !== null) {
      const same =
        na.op.name === nb.op.name &&
        na.inputs.length === nb.inputs.length &&
        na.inputs.every((x, k) => indexA.get(x) === indexB.get(nb.inputs[k]));
      if (!same) differ(`op '${na.op.name}' became '${nb.op.name}'`);
    } else if (a.inputs.indexOf(ta) !== b.inputs.indexOf(tb)) {
      differ(`leaf ${i} is an input in one trace only`);
    }
    if (ta.ndim !== tb.ndim) differ(`a ${ta.ndim}-d tensor became ${tb.ndim}-d`);
    twin.set(ta, tb);
    dims.set(
      ta,
      ta.shape.map((x, k) => {
        const y = tb.shape[k];
        if (x === y) return x;
        return symbols.find((s) => s.a === x && s.b === y)?.name ?? null;
      }),
    );
  });
  a.outputs.forEach((t, i) => {
    if (indexA.get(t) !== indexB.get(b.outputs[i])) differ(`output ${i} is another tensor`);
  });
  for (const s of symbols) {
    const got = dims.get(a.inputs[s.input])?.[s.axis] ?? s.name;
    if (got !== s.name)
      throw new DynamicAxisError(`exportOnnx: dynamic axis '${s.name}' was not traced (${fmtDims([got])})`);
  }
  return { dims, twin };
}
