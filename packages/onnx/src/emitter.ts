import type { DType, Tensor } from '@tapegrad/core';
import { collapseAxes, sameData } from './constants';
import type { ConstantOptions, ConvertContext, ShapeOptions } from './convert/context';
import { type Dim, fmtDims } from './dims';
import { DynamicAxisError, OnnxExportError } from './errors';
import { GraphBuilder, ONNX_DTYPE } from './graph-builder';
import { DataType } from './onnx-types';

/** What the emitter knows of the traced graph. */
export interface EmitterInput {
  readonly opset: number;
  /** Extents of every traced tensor. */
  readonly dims: ReadonlyMap<Tensor, readonly Dim[]>;
  /** Each tensor's counterpart in the second trace. */
  readonly twin: ReadonlyMap<Tensor, Tensor>;
  /** Tensors replaced by another (broadcasts folded into the ops that consume them). */
  readonly aliases: ReadonlyMap<Tensor, Tensor>;
  /** Constant leaves whose consumers broadcast them (stored at their smallest shape). */
  readonly compactable: ReadonlySet<Tensor>;
  /** Names for initializers of parameters and buffers (the state-dict names). */
  readonly stateNames: ReadonlyMap<Tensor, string>;
  /** Where each named dynamic extent can be read at run time: an input's name and axis. */
  readonly symbolSources: ReadonlyMap<string, { readonly input: string; readonly axis: number }>;
}

/**
 * Turns traced tensors into ONNX values: inputs and node outputs by the names given to them,
 * parameters and constants into initializers on first use, shapes into int64 tensors, and hands
 * each node's converter a {@link ConvertContext}.
 *
 * @example
 * const em = new Emitter(input); em.name(x, 'input');
 * CONVERTERS.relu.convert(em.context(y, 0, 'output'));
 */
export class Emitter {
  readonly builder = new GraphBuilder();
  private readonly names = new Map<Tensor, string>();
  private readonly scalars = new Map<string, string>();
  private readonly extents = new Map<string, string>();
  private readonly memos = new Map<string, string>();

  constructor(private readonly g: EmitterInput) {}

  /** Gives `t` the ONNX name `name` (an input, or a node's output). */
  name(t: Tensor, name: string): void {
    this.names.set(t, name);
  }

  /** The ONNX name of a traced tensor, making an initializer for a parameter or constant leaf. */
  valueOf(t: Tensor, who: string): string {
    let x = t;
    while (this.g.aliases.has(x)) x = this.g.aliases.get(x)!;
    const known = this.names.get(x);
    if (known !== undefined) return known;
    if (x.creator !== null) throw new Error(`Emitter: ${who} reads a tensor that is not computed yet`);
    const twin = this.g.twin.get(x);
    const name =
      twin === x
        ? this.builder.initializer(this.g.stateNames.get(x) ?? 'param', ONNX_DTYPE[x.dtype], x.shape, x.data)
        : this.constant(x, this.dimsOf(x), { twin, broadcasts: this.g.compactable.has(x) }, who);
    this.names.set(x, name);
    return name;
  }

  dimsOf(t: Tensor): readonly Dim[] {
    const d = this.g.dims.get(t);
    if (d === undefined) throw new Error(`Emitter: a tensor of shape [${t.shape.join(',')}] was not traced`);
    return d;
  }

  /** A constant tensor (see {@link ConvertContext.constant}); `who` names its consumer in errors. */
  constant(t: Tensor, dims: readonly Dim[], options: ConstantOptions, who: string): string {
    const dynamic = dims.flatMap((d, k) => (typeof d === 'number' ? [] : [k]));
    // A broadcast operand can shrink to extent 1 along every axis it is uniform along.
    const axes = options.broadcasts ? dims.flatMap((_, k) => (collapseAxes(t, [k]) !== null ? [k] : [])) : dynamic;
    const mine = dynamic.every((k) => axes.includes(k)) ? collapseAxes(t, axes) : null;
    if (mine === null) {
      throw new DynamicAxisError(
        `exportOnnx: ${who} uses a constant of shape ${fmtDims(dims)} whose values vary along the dynamic ` +
          `axes ${dynamic.map((k) => `'${dims[k] ?? '?'}'`).join(', ')}; it cannot be written for other extents`,
      );
    }
    const { twin } = options;
    if (twin !== undefined && twin !== t) {
      const theirs = twin.ndim === t.ndim ? collapseAxes(twin, axes) : null;
      if (theirs === null || theirs.shape.join() !== mine.shape.join() || !sameData(theirs.data, mine.data)) {
        throw new OnnxExportError(
          `exportOnnx: ${who} uses a constant of shape ${fmtDims(dims)} that has other values for other inputs: ` +
            `it was computed from the input by ops tapegrad does not record (inside noGrad, a comparison, argmax, ` +
            `a cast to int32, a random mask …), which the ONNX graph cannot replay`,
        );
      }
    }
    // Leading extents of 1 add nothing to a broadcast operand.
    const lead = mine.shape.findIndex((d) => d !== 1);
    const shape = !options.broadcasts ? mine.shape : lead < 0 ? [] : mine.shape.slice(lead);
    const name = options.bool
      ? this.builder.initializer(
          'const',
          DataType.BOOL,
          shape,
          Uint8Array.from(mine.data, (v) => (v !== 0 ? 1 : 0)),
        )
      : this.builder.initializer('const', ONNX_DTYPE[t.dtype], shape, mine.data);
    if (dynamic.length === 0 || options.broadcasts) return name;
    return this.builder.node('Expand', [name, this.shape(dims, {}, who)]);
  }

  /** A 0-D constant of `dtype`, shared by value. */
  scalar(value: number, dtype: DType): string {
    const key = `${dtype}:${value}`;
    let name = this.scalars.get(key);
    if (name === undefined) {
      const data =
        dtype === 'float64'
          ? Float64Array.of(value)
          : dtype === 'int32'
            ? Int32Array.of(value)
            : Float32Array.of(value);
      name = this.builder.initializer('const', ONNX_DTYPE[dtype], [], data);
      this.scalars.set(key, name);
    }
    return name;
  }

  /** An int64 shape tensor for `dims` (see {@link ConvertContext.shape}). */
  shape(dims: readonly Dim[], options: ShapeOptions, who: string): string {
    if (dims.every((d) => typeof d === 'number')) return this.builder.int64(dims as number[]);
    const pieces: string[] = [];
    let pending: number[] = [];
    const flush = (): void => {
      if (pending.length > 0) pieces.push(this.builder.int64(pending));
      pending = [];
    };
    let inferred = false;
    dims.forEach((d, k) => {
      if (typeof d === 'number') pending.push(d);
      else if (d !== null && options.copyFrom?.[k] === d) pending.push(0);
      else if (d !== null) {
        flush();
        pieces.push(this.extent(d));
      } else if (options.infer && !inferred) {
        inferred = true;
        pending.push(-1);
      } else {
        throw new DynamicAxisError(
          `exportOnnx: ${who} needs the shape ${fmtDims(dims)}, whose extent ${k} changes with the dynamic axes ` +
            `but is no input's extent, so the ONNX graph cannot compute it`,
        );
      }
    });
    flush();
    return pieces.length === 1 ? pieces[0] : this.builder.node('Concat', pieces, { axis: { int: 0 } });
  }

  /** The run-time extent of a named dynamic axis, as a 1-element int64 tensor. */
  private extent(symbol: string): string {
    let name = this.extents.get(symbol);
    if (name === undefined) {
      const src = this.g.symbolSources.get(symbol)!;
      name = this.builder.node('Shape', [src.input], { start: { int: src.axis }, end: { int: src.axis + 1 } });
      this.extents.set(symbol, name);
    }
    return name;
  }

  /** The converter's view of the node that computed `out` (the `index`-th node), writing to `output`. */
  context(out: Tensor, index: number, output: string): ConvertContext {
    const node = out.creator!;
    const who = `op '${node.op.name}' (node ${index})`;
    return {
      node,
      twin: this.g.twin.get(out)!.creator!,
      opset: this.g.opset,
      output,
      input: (i) => this.valueOf(node.inputs[i], who),
      inDims: (i) => this.dimsOf(node.inputs[i]),
      outDims: () => this.dimsOf(out),
      emit: (opType, inputs, attrs = {}, o) => this.builder.node(opType, inputs, attrs, o),
      emitOutputs: (opType, inputs, attrs, wanted) =>
        this.builder.nodeOutputs(
          opType,
          inputs,
          attrs,
          wanted.map((w) => (w ? this.builder.fresh(`/${opType}_output`) : '')),
        ),
      memo: (key, make) => {
        let name = this.memos.get(key);
        if (name === undefined) {
          name = make();
          this.memos.set(key, name);
        }
        return name;
      },
      int64: (values) => this.builder.int64(values),
      int64Scalar: (value) => this.builder.int64Scalar(value),
      scalar: (value, dtype) => this.scalar(value, dtype),
      constant: (t, dims, options = {}) => this.constant(t, dims, options, who),
      shape: (dims, options = {}) => this.shape(dims, options, who),
      fail: (problem) => {
        throw new DynamicAxisError(`exportOnnx: ${who}: ${problem}`);
      },
    };
  }
}
