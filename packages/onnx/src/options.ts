import { ValueError } from '@tapegrad/core';
import type { OpMapping } from './convert/context';
import { DynamicAxisError } from './errors';

/** This package's version, written as the models' producer_version. */
export const VERSION = '0.1.0';

/** Opsets {@link exportOnnx} writes, and the ONNX IR version each needs. */
export const IR_VERSION_OF_OPSET: Readonly<Record<number, number>> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

/** Options of {@link exportOnnx}. */
export interface ExportOptions {
  /** Also write the model to this file. */
  path?: string;
  /** The ONNX opset (default 17, the oldest accepted; up to 21). */
  opsetVersion?: number;
  /** Names of the graph inputs (default `input`, or `input_0`, `input_1` … for several). */
  inputNames?: readonly string[];
  /** Names of the graph outputs (default `output`, or `output_0` …). */
  outputNames?: readonly string[];
  /**
   * PyTorch's `dynamic_axes`: for an input or output name, the axes whose extent may change, as
   * `{ axis: name }` or a list of axes (named `<value>_dynamic_axis_<k>`). Inputs sharing a name
   * share the extent. Example: `{ input: { 0: 'batch' }, output: { 0: 'batch' } }`.
   */
  dynamicAxes?: Readonly<Record<string, Readonly<Record<number, string>> | readonly number[]>>;
  /** Where the training-mode warning goes (default `console.warn`). */
  onWarning?: (message: string) => void;
  /** Mappings for your own ops (made with `defineOp`), by op name; they take precedence. */
  converters?: Readonly<Record<string, OpMapping>>;
  /** Stored as the model's doc_string. */
  docString?: string;
}

/** Resolved names and dynamic axes. */
export interface Resolved {
  opset: number;
  inputNames: string[];
  outputNames: string[];
  /** Per value name: axis → symbol name. */
  axes: Map<string, Map<number, string>>;
}

const defaultNames = (base: string, n: number): string[] =>
  n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}_${i}`);

/**
 * Checks the options against the model's input and output counts; fills in the defaults.
 *
 * @example
 * resolveOptions({ dynamicAxes: { input: [0] } }, 1, 1).axes.get('input'); // Map { 0 → 'input_dynamic_axis_0' }
 */
export function resolveOptions(options: ExportOptions, inputs: number, outputs: number): Resolved {
  const opset = options.opsetVersion ?? 17;
  if (!(opset in IR_VERSION_OF_OPSET)) {
    throw new ValueError(
      `exportOnnx: opsetVersion must be one of ${Object.keys(IR_VERSION_OF_OPSET).join(', ')}, got ${opset}`,
    );
  }
  const names = (given: readonly string[] | undefined, base: string, n: number, what: string): string[] => {
    const list = given ? [...given] : defaultNames(base, n);
    if (list.length !== n) throw new ValueError(`exportOnnx: ${what} has ${list.length} names for ${n} ${base}s`);
    if (list.some((s) => typeof s !== 'string' || s === ''))
      throw new ValueError(`exportOnnx: ${what} must be non-empty strings`);
    return list;
  };
  const inputNames = names(options.inputNames, 'input', inputs, 'inputNames');
  const outputNames = names(options.outputNames, 'output', outputs, 'outputNames');
  const all = [...inputNames, ...outputNames];
  const dup = all.find((s, i) => all.indexOf(s) !== i);
  if (dup !== undefined) throw new ValueError(`exportOnnx: the name '${dup}' is given to two graph inputs/outputs`);
  const axes = new Map<string, Map<number, string>>();
  for (const [value, spec] of Object.entries(options.dynamicAxes ?? {})) {
    if (!all.includes(value)) {
      throw new DynamicAxisError(
        `exportOnnx: dynamicAxes names '${value}', which is not a graph input or output (${all.join(', ')})`,
      );
    }
    const entries: [number, string][] = Array.isArray(spec)
      ? (spec as readonly number[]).map((k) => [k, `${value}_dynamic_axis_${k}`])
      : Object.entries(spec).map(([k, v]) => [Number(k), v as string]);
    const m = new Map<number, string>();
    for (const [k, v] of entries) {
      if (!Number.isInteger(k) || k < 0)
        throw new DynamicAxisError(`exportOnnx: dynamicAxes['${value}'] has the axis ${k}`);
      if (typeof v !== 'string' || v === '')
        throw new DynamicAxisError(`exportOnnx: dynamicAxes['${value}'][${k}] must be a name`);
      m.set(k, v);
    }
    axes.set(value, m);
  }
  return { opset, inputNames, outputNames, axes };
}
