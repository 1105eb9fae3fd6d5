import * as fs from 'node:fs';
import { Rng, randn } from '@tapegrad/core';
import { decodeModel, exportOnnx, fmtDims, type ValueInfoProto } from '@tapegrad/onnx';
import { displayPath } from './output';
import { loadCheckpoint } from './model-spec';
import { parseFlags, usage, type FlagSpec } from './args';
import type { Io } from './io';

const CMD = 'tapegrad export';

const FLAGS: Record<string, FlagSpec> = {
  checkpoint: {
    type: 'file',
    help: "a model.safetensors written by 'tapegrad train' or 'npm start'",
    required: true,
  },
  onnx: { type: 'string', help: 'the ONNX file to write (default: the checkpoint with .onnx)' },
  opset: { type: 'int', help: 'ONNX opset, 17 to 21', default: 17 },
};

/** `tapegrad export --help`. */
export const EXPORT_USAGE = usage(
  CMD,
  'Rebuilds the model stored in a checkpoint, loads its weights and writes it as an ONNX model\n' +
    '(evaluation mode, logits out) whose batch size is dynamic, for ONNX Runtime and other\n' +
    'ONNX consumers. The graph is the tape of one forward pass (see @tapegrad/onnx).',
  FLAGS,
);

const describe = (v: ValueInfoProto): string =>
  `'${v.name}' ${fmtDims(v.type.tensor_type.shape.dim.map((d) => d.dim_value ?? d.dim_param ?? null))}`;

/**
 * Runs `tapegrad export`; returns the process exit code.
 *
 * @example
 * await exportModel(['--checkpoint', 'runs/x/model.safetensors', '--onnx', 'model.onnx'], processIo); // 0
 * // prints the graph's inputs, outputs and ops
 */
export async function exportModel(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseFlags(CMD, argv, FLAGS);
  if (flags.help) {
    io.out(EXPORT_USAGE);
    return 0;
  }
  const file = flags.checkpoint as string;
  const target = (flags.onnx as string | undefined) ?? `${file.replace(/\.safetensors$/, '')}.onnx`;
  const { model, spec } = loadCheckpoint(file);
  model.eval();
  const example = randn([2, spec.layers[0]], { rng: new Rng(0) });
  const bytes = exportOnnx(model, example, {
    path: target,
    opsetVersion: flags.opset as number,
    dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } },
    docString: `tapegrad MLP ${spec.layers.join('-')} (${spec.activation}) from ${fs.realpathSync(file)}`,
  });
  const { graph } = decodeModel(bytes);
  io.out(
    `${displayPath(file)}: MLP ${spec.layers.join('-')} ${spec.activation} → ${displayPath(target)} ` +
      `(ONNX opset ${flags.opset}, ${bytes.length} bytes)`,
  );
  io.out(
    `input ${graph.input.map(describe).join(', ')} → output ${graph.output.map(describe).join(', ')}; ` +
      `ops: ${graph.node.map((n) => n.op_type).join(', ')}`,
  );
  return 0;
}
