import * as fs from 'fs';
import { Tensor } from '@tapegrad/core';
import { type Alignment, type AxisSymbol, alignTraces } from './align';
import { sameAttrs } from './constants';
import { CONVERTERS } from './convert';
import type { OpMapping } from './convert/context';
import type { Dim } from './dims';
import { Emitter } from './emitter';
import { DynamicAxisError, OnnxExportError, UnsupportedOpError } from './errors';
import { foldBroadcasts } from './fold-broadcasts';
import { ONNX_DTYPE } from './graph-builder';
import type { ValueInfoProto } from './onnx-types';
import { type ExportOptions, IR_VERSION_OF_OPSET, type Resolved, VERSION, resolveOptions } from './options';
import { encodeModel } from './proto';
import { type ExportableModel, type Trace, traceForward } from './trace';
import { evalDuringExport, stateNames } from './model-state';
import { inputSymbols, variantInputs } from './variants';

/**
 * Exports a model to ONNX by tracing it with the tape: `model.forward` runs once on the example
 * input with recording on, every recorded node becomes ONNX nodes (see the converter table),
 * parameters and buffers become initializers under their state-dict names, other constants
 * initializers too. A second forward pass, with the dynamic axes at other extents and other input values,
 * tells which extents are dynamic and checks that the graph and its constants do not depend on
 * them (nor on the values): what cannot be replayed is a typed error, never a wrong graph.
 *
 * A model in training mode is exported with its evaluation behaviour (Dropout as the identity,
 * as `model.eval()` gives, and PyTorch's exporter does): a warning says so, and the modes are
 * restored afterwards. An op without a mapping throws {@link UnsupportedOpError} naming it; a
 * dynamic axis the model cannot support throws {@link DynamicAxisError}.
 *
 * @example
 * const model = mlp([784, 256, 10]).eval();
 * exportOnnx(model, randn([2, 784]), { path: 'mnist.onnx', dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } });
 */
export function exportOnnx(
  model: ExportableModel,
  exampleInput: Tensor | readonly Tensor[],
  options: ExportOptions = {},
): Uint8Array {
  const inputs = exampleInput instanceof Tensor ? [exampleInput] : [...exampleInput];
  const restore = evalDuringExport(model, options.onWarning ?? ((m) => console.warn(m)));
  let bytes: Uint8Array;
  try {
    const first = traceForward(model, inputs);
    const opts = resolveOptions(options, inputs.length, first.outputs.length);
    const symbols = inputSymbols(opts, inputs);
    const second = traceSecond(model, variantInputs(inputs, symbols), symbols);
    const { dims, twin } = alignTraces(first, second, symbols);
    const table = { ...CONVERTERS, ...options.converters };
    checkMapped(first, table);
    const em = emitGraph(first, { dims, twin }, symbols, opts, table, stateNames(model));
    const inputInfo = first.inputs.map((t, i) => {
      const named = opts.axes.get(opts.inputNames[i]);
      return valueInfo(opts.inputNames[i], t, dims.get(t) ?? t.shape.map((n, k) => named?.get(k) ?? n));
    });
    const outputInfo = first.outputs.map((t, i) =>
      valueInfo(opts.outputNames[i], t, outputDims(opts.outputNames[i], dims.get(t) ?? t.shape, opts.axes)),
    );
    bytes = encodeModel({
      ir_version: IR_VERSION_OF_OPSET[opts.opset],
      opset_import: [{ domain: '', version: opts.opset }],
      producer_name: 'tapegrad',
      producer_version: VERSION,
      ...(options.docString !== undefined ? { doc_string: options.docString } : {}),
      graph: {
        name: graphName(model),
        node: em.builder.nodes,
        initializer: em.builder.initializers,
        input: inputInfo,
        output: outputInfo,
      },
    });
  } finally {
    restore();
  }
  if (options.path !== undefined) fs.writeFileSync(options.path, bytes);
  return bytes;
}

/**
 * Converts every node of the first trace, in order, through its mapping: graph inputs and
 * outputs take the given names, folded broadcasts are skipped, and an output that no node
 * writes (an input, a constant, a repeated tensor) gets an Identity.
 */
function emitGraph(
  first: Trace,
  { dims, twin }: Alignment,
  symbols: readonly AxisSymbol[],
  opts: Resolved,
  table: Readonly<Record<string, OpMapping>>,
  names: Map<Tensor, string>,
): Emitter {
  const symbolSources = new Map<string, { input: string; axis: number }>();
  for (const s of symbols) {
    if (!symbolSources.has(s.name)) symbolSources.set(s.name, { input: opts.inputNames[s.input], axis: s.axis });
  }
  const isConstant = (leaf: Tensor): boolean => twin.get(leaf) !== leaf && !first.inputs.includes(leaf);
  const { aliases, compactable } = foldBroadcasts(first, dims, isConstant);
  const em = new Emitter({ opset: opts.opset, dims, twin, aliases, compactable, stateNames: names, symbolSources });
  first.inputs.forEach((t, i) => em.name(t, em.builder.reserve(opts.inputNames[i])));
  opts.outputNames.forEach((n) => em.builder.reserve(n));
  const produced = new Map<Tensor, string>();
  first.outputs.forEach((t, i) => {
    if (t.creator !== null && !produced.has(t)) produced.set(t, opts.outputNames[i]);
  });
  let index = -1;
  for (const t of first.tensors) {
    if (t.creator === null) continue;
    index++;
    if (aliases.has(t)) continue;
    const mapping = table[t.creator.op.name];
    checkAttrs(t, index, mapping, twin.get(t)!, symbols);
    const name = produced.get(t) ?? em.builder.fresh(`/${t.creator.op.name}_output`);
    em.name(t, name);
    mapping.convert(em.context(t, index, name));
  }
  first.outputs.forEach((t, i) => {
    if (produced.get(t) !== opts.outputNames[i]) {
      em.builder.node('Identity', [em.valueOf(t, `output ${i}`)], {}, opts.outputNames[i]);
    }
  });
  return em;
}

function valueInfo(name: string, t: Tensor, dims: readonly Dim[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : d === null ? {} : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: ONNX_DTYPE[t.dtype], shape: { dim } } } };
}

function traceSecond(model: ExportableModel, inputs: Tensor[], symbols: readonly AxisSymbol[]): Trace {
  try {
    return traceForward(model, inputs);
  } catch (e) {
    if (symbols.length === 0) throw e;
    const axes = symbols.map((s) => `'${s.name}' (${s.a} → ${s.b})`).join(', ');
    throw new DynamicAxisError(
      `exportOnnx: the model fails when the dynamic axes ${axes} change size, so they cannot be dynamic: ${(e as Error).message}`,
    );
  }
}

function checkMapped(trace: Trace, table: Readonly<Record<string, OpMapping>>): void {
  const missing = trace.nodes.flatMap((n, i) => (Object.hasOwn(table, n.op.name) ? [] : [[n.op.name, i] as const]));
  if (missing.length === 0) return;
  const [op, index] = missing[0];
  const names = [...new Set(missing.map(([n]) => `'${n}'`))].join(', ');
  throw new UnsupportedOpError(
    `exportOnnx: op '${op}' (node ${index} of ${trace.nodes.length}) has no ONNX mapping` +
      `${missing.length > 1 ? ` (unmapped ops in this graph: ${names})` : ''}; mapped ops: ` +
      `${Object.keys(table).sort().join(', ')}. Export the model without it (a loss, for example, is not part of the ` +
      `model), or pass a mapping in options.converters`,
    op,
  );
}

function checkAttrs(t: Tensor, index: number, mapping: OpMapping, twin: Tensor, symbols: readonly AxisSymbol[]): void {
  const node = t.creator!;
  if (mapping.dynamicAttrs || sameAttrs(node.attrs, twin.creator!.attrs)) return;
  const who = `op '${node.op.name}' (node ${index})`;
  if (symbols.length > 0) {
    throw new DynamicAxisError(
      `exportOnnx: ${who} has other attributes when the dynamic axes change size (or the input values change); ` +
        `its ONNX form would hold the example's`,
    );
  }
  throw new OnnxExportError(
    `exportOnnx: ${who} has other attributes for other input values: they were computed from the input outside ` +
      `the tape, which the ONNX graph cannot replay`,
  );
}

function outputDims(name: string, dims: readonly Dim[], axes: ReadonlyMap<string, ReadonlyMap<number, string>>): Dim[] {
  const out = [...dims];
  for (const [axis, symbol] of axes.get(name) ?? []) {
    if (axis >= out.length) {
      throw new DynamicAxisError(
        `exportOnnx: dynamicAxes['${name}'] names axis ${axis}, but the output has ${out.length} axes`,
      );
    }
    if (typeof out[axis] === 'number') {
      throw new DynamicAxisError(
        `exportOnnx: axis ${axis} of output '${name}' ('${symbol}') has extent ${out[axis]} whatever the dynamic input ` +
          `axes are, so it cannot be dynamic`,
      );
    }
    out[axis] = symbol;
  }
  return out;
}

/** The model's class name (`Sequential`, `TwoLayerNet` …), or `tapegrad` for a plain object. */
function graphName(model: ExportableModel): string {
  const name = (model as object).constructor?.name;
  return name && name !== 'Object' ? name : 'tapegrad';
}
