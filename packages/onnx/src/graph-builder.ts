import type { DType, TypedArray } from '@tapegrad/core';
import {
  AttributeType,
  DataType,
  type AttributeProto,
  type DataTypeCode,
  type NodeProto,
  type TensorProto,
} from './onnx-types';

/** An ONNX attribute value, tagged with its ONNX type. */
export type Attr = { int: number } | { float: number } | { ints: readonly number[] } | { string: string };

/** The ONNX element type of a tapegrad dtype. */
export const ONNX_DTYPE: Readonly<Record<DType, DataTypeCode>> = {
  float32: DataType.FLOAT,
  float64: DataType.DOUBLE,
  int32: DataType.INT32,
};

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The element bytes in ONNX's order (little-endian), for `raw_data`. */
export function rawBytes(data: TypedArray | BigInt64Array | Uint8Array): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const width = data.BYTES_PER_ELEMENT;
  if (LITTLE_ENDIAN || width === 1) return view.slice();
  const out = new Uint8Array(view.length);
  for (let i = 0; i < view.length; i += width) for (let k = 0; k < width; k++) out[i + k] = view[i + width - 1 - k];
  return out;
}

function toAttribute(name: string, value: Attr): AttributeProto {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.string) };
}

/**
 * Collects an ONNX graph's nodes and initializers, handing out unique value names. Small int64
 * constants (shapes, axes) are shared by value.
 *
 * @example
 * const g = new GraphBuilder();
 * const y = g.node('Relu', ['x'], {}, 'y'); // 'y'
 */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly int64Cache = new Map<string, string>();

  /** Marks `name` as taken (graph inputs); throws if it already is. */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`GraphBuilder: the name '${name}' is used twice`);
    this.used.add(name);
    return name;
  }

  /** A new unique name starting with `hint`. */
  fresh(hint: string): string {
    if (!this.used.has(hint)) return this.reserve(hint);
    let n = this.counters.get(hint) ?? 1;
    while (this.used.has(`${hint}_${n}`)) n++;
    this.counters.set(hint, n + 1);
    return this.reserve(`${hint}_${n}`);
  }

  /** Appends a node; returns its (single) output name, fresh unless given. */
  node(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}, output?: string): string {
    return this.nodeOutputs(opType, inputs, attrs, [output ?? this.fresh(`/${opType}_output`)])[0];
  }

  /** Appends a node with several outputs, named as given (an empty name leaves that output out). */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, Attr>>,
    outputs: readonly string[],
  ): readonly string[] {
    const attribute = Object.entries(attrs).map(([k, v]) => toAttribute(k, v));
    const name = this.fresh(`/${opType}`);
    this.nodes.push({
      name,
      op_type: opType,
      input: [...inputs],
      output: [...outputs],
      ...(attribute.length ? { attribute } : {}),
    });
    return outputs;
  }

  /** Adds an initializer from raw element data; returns its name (fresh from `hint`). */
  initializer(
    hint: string,
    dataType: DataTypeCode,
    dims: readonly number[],
    data: TypedArray | BigInt64Array | Uint8Array,
  ): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, data_type: dataType, dims: [...dims], raw_data: rawBytes(data) });
    return name;
  }

  /** A 0-D int64 constant (Trilu's k), shared by value. */
  int64Scalar(value: number): string {
    const key = `scalar:${value}`;
    let name = this.int64Cache.get(key);
    if (name === undefined) {
      name = this.initializer('const_i64', DataType.INT64, [], BigInt64Array.of(BigInt(value)));
      this.int64Cache.set(key, name);
    }
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, starts, …), shared between nodes that use the same values. */
  int64(values: readonly number[]): string {
    const key = values.join(',');
    let name = this.int64Cache.get(key);
    if (name === undefined) {
      name = this.initializer('const_i64', DataType.INT64, [values.length], BigInt64Array.from(values, BigInt));
      this.int64Cache.set(key, name);
    }
    return name;
  }
}
