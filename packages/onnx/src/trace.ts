import { type Node, Tensor, collectGraph, enableGrad, isFloat } from '@tapegrad/core';
import { OnnxExportError } from './errors';
import { fmtDims } from './dims';

/** What {@link exportOnnx} exports: anything with a `forward` over tensors (an nn `Module`, or a plain object). */
export interface ExportableModel {
  forward(...inputs: Tensor[]): Tensor | readonly Tensor[];
}

/** One recorded forward pass: the tape behind the outputs, in topological order. */
export interface Trace {
  /** The leaves standing in for the inputs (they share the inputs' data). */
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  /** Every tensor of the graph; each computed one comes after its node's inputs. */
  readonly tensors: readonly Tensor[];
  /** Every recorded node, in the order the tensors are computed. */
  readonly nodes: readonly Node[];
}

/**
 * Runs `model.forward` on stand-ins of `inputs` that require grad (float inputs; int32 ones are read
 * by the nodes that take them as an input), with recording on, so every op that touches an input
 * records a node, and collects the recorded graph behind the outputs
 * (the same traversal as `toDot`, so the order is the same every run).
 *
 * @example
 * const { nodes } = traceForward(mlp([2, 3]), [randn([4, 2])]);
 * nodes.map((n) => n.op.name); // ['linear']
 */
export function traceForward(model: ExportableModel, inputs: readonly Tensor[]): Trace {
  const leaves = inputs.map((x, i) => {
    if (!(x instanceof Tensor)) throw new OnnxExportError(`exportOnnx: input ${i} is not a Tensor`);
    const leaf = new Tensor(x.data, x.shape);
    // int32 inputs (token ids) never require grad; ops that take them as an input of their node
    // (embedding, maskedFill) still record, because their other inputs do.
    leaf.requiresGrad = isFloat(x.dtype);
    return leaf;
  });
  const result = enableGrad(() => model.forward(...leaves));
  const outputs = result instanceof Tensor ? [result] : [...result];
  if (outputs.length === 0 || !outputs.every((t) => t instanceof Tensor)) {
    throw new OnnxExportError(`exportOnnx: forward must return a Tensor or an array of Tensors`);
  }
  const tensors: Tensor[] = [];
  const nodes: Node[] = [];
  const seen = new Set<Tensor>();
  for (const out of outputs) {
    const graph = collectGraph(out);
    for (const { tensor } of graph.tensors) {
      if (seen.has(tensor)) continue;
      seen.add(tensor);
      tensors.push(tensor);
      if (tensor.creator !== null) nodes.push(tensor.creator);
    }
  }
  leaves.forEach((leaf, i) => {
    if (!leaf.requiresGrad && !nodes.some((n) => n.inputs.includes(leaf))) {
      throw new OnnxExportError(
        `exportOnnx: input ${i} is ${leaf.dtype} ${fmtDims(leaf.shape)} and no recorded op reads it: tapegrad records ` +
          `ops on int32 tensors only where they are an index or mask input of a node that also reads a float tensor ` +
          `(embedding, maskedFill), so the model's use of it cannot be traced (pass float inputs, or the ids to an Embedding)`,
      );
    }
  });
  return { inputs: leaves, outputs, tensors, nodes };
}
