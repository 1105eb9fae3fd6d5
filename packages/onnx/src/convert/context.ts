import type { DType, Node, Tensor } from '@tapegrad/core';
import type { Dim } from '../dims';
import type { Attr } from '../graph-builder';

/** Options of {@link ConvertContext.constant}. */
export interface ConstantOptions {
  /** Store as ONNX bool (non-zero → true), for Where's condition. */
  bool?: boolean;
  /** The consumer broadcasts: a constant uniform along a dynamic axis may stay extent 1 there. */
  broadcasts?: boolean;
  /** The same constant in the second trace; it must hold the same values. */
  twin?: Tensor;
}

/** Options of {@link ConvertContext.shape}. */
export interface ShapeOptions {
  /** For Reshape: one unnamed dynamic extent may be written −1 (inferred). */
  infer?: boolean;
  /** For Reshape: where the input has the same named extent at the same axis, write 0 (copy it). */
  copyFrom?: readonly Dim[];
}

/**
 * What a converter sees of one tape node and how it emits ONNX nodes for it. Tensors are known
 * by their extents ({@link Dim}): a converter that needs a shape asks {@link ConvertContext.shape},
 * which builds it at run time from the graph inputs where an extent is dynamic.
 */
export interface ConvertContext {
  /** The recorded node (its op, attrs and input tensors from the example trace). */
  readonly node: Node;
  /** The same node in the second trace (other extents on the dynamic axes, other values). */
  readonly twin: Node;
  /** The opset being written (17 or later). */
  readonly opset: number;
  /** The ONNX name the converter must write the node's output to. */
  readonly output: string;
  /** The ONNX name of input `i` (parameters and constants are initializers). */
  input(i: number): string;
  /** The extents of input `i`. */
  inDims(i: number): readonly Dim[];
  /** The extents of the output. */
  outDims(): readonly Dim[];
  /** Appends an ONNX node and returns its output name (a fresh one unless `output` is given). */
  emit(opType: string, inputs: readonly string[], attrs?: Readonly<Record<string, Attr>>, output?: string): string;
  /**
   * Appends an ONNX node with several outputs and returns their fresh names; `wanted[k]` false
   * leaves output k out (ONNX's empty name).
   */
  emitOutputs(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, Attr>>,
    wanted: readonly boolean[],
  ): readonly string[];
  /** The value `make` emits, made once per key and export (a reordered weight shared by every step). */
  memo(key: string, make: () => string): string;
  /** A 1-D int64 constant. */
  int64(values: readonly number[]): string;
  /** A 0-D int64 constant. */
  int64Scalar(value: number): string;
  /** A 0-D constant of `dtype`. */
  scalar(value: number, dtype: DType): string;
  /**
   * A constant tensor with extents `dims`. Along a dynamic axis it must be uniform (then it is
   * stored with extent 1 and expanded at run time, unless the consumer broadcasts); it must hold
   * the same values in both traces, or it depends on the input through an unrecorded computation.
   */
  constant(t: Tensor, dims: readonly Dim[], options?: ConstantOptions): string;
  /** A 1-D int64 tensor holding `dims`: a constant, or built at run time from the inputs' shapes. */
  shape(dims: readonly Dim[], options?: ShapeOptions): string;
  /** Throws a DynamicAxisError about this node. */
  fail(problem: string): never;
}

/**
 * How one tape op becomes ONNX nodes. Adding an op to the exporter is one entry of this type in
 * the converter table, and one test case.
 */
export interface OpMapping {
  /** The ONNX op types it emits (for the docs). */
  readonly onnx: readonly string[];
  /**
   * Set when the op's attributes hold extents or masks that may change with a dynamic axis and
   * `convert` reads them through the context (dims, `constant`) instead. Otherwise attributes
   * that differ between the two traces are a DynamicAxisError.
   */
  readonly dynamicAttrs?: boolean;
  convert(ctx: ConvertContext): void;
}

/**
 * The node's attributes as the op defines them.
 *
 * @example
 * const { axis } = attrsOf<{ axis: number }>(ctx);
 */
export function attrsOf<A>(ctx: ConvertContext): A {
  return ctx.node.attrs as A;
}
