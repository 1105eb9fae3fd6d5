import * as fs from 'node:fs';
import * as path from 'node:path';
import { randn, Rng, tensor, toDot } from '@tapegrad/core';
import { softmaxCrossEntropy } from '@tapegrad/nn';
import { displayPath, prepareOutDir } from './output';
import { ACTIVATIONS, buildModel, loadCheckpoint, type ModelSpec } from './model-spec';
import { dotToSvg, svgToPng } from '@tapegrad/plot';
import { parseFlags, usage, type FlagSpec } from './args';
import type { Io } from './io';

const CMD = 'tapegrad graph';

const FLAGS: Record<string, FlagSpec> = {
  layers: { type: 'ints', help: 'layer sizes of the MLP to draw', default: [2, 4, 3] },
  activation: { type: ACTIVATIONS, help: 'hidden activation', default: 'relu' },
  checkpoint: { type: 'file', help: 'draw the model stored in this checkpoint instead' },
  batch: { type: 'int', help: 'rows of the random input batch', default: 1 },
  out: { type: 'string', help: 'output folder (default runs/graph-<timestamp>)' },
  values: { type: 'switch', help: 'print the values of small tensors in the nodes' },
};

/** `tapegrad graph --help`. */
export const GRAPH_USAGE = usage(
  CMD,
  'Runs one forward pass of an MLP and its softmax cross-entropy loss on a random batch, then\n' +
    'writes the recorded tape as graph.dot (Graphviz) and graph.svg / graph.png (laid out by the\n' +
    'WASM build of Graphviz). Parameters are orange, constants grey, ops blue.',
  FLAGS,
);

/**
 * Runs `tapegrad graph`; returns the process exit code.
 *
 * @example
 * await graph(['--layers', '2,4,3', '--out', 'runs/graph'], processIo); // 0
 * // runs/graph/graph.dot, graph.svg, graph.png
 */
export async function graph(argv: readonly string[], io: Io): Promise<number> {
  const flags = parseFlags(CMD, argv, FLAGS);
  if (flags.help) {
    io.out(GRAPH_USAGE);
    return 0;
  }
  let model;
  let spec: ModelSpec;
  if (typeof flags.checkpoint === 'string') ({ model, spec } = loadCheckpoint(flags.checkpoint));
  else {
    spec = { layers: flags.layers as number[], activation: flags.activation as ModelSpec['activation'] };
    model = buildModel(spec, new Rng(0));
  }
  model.parameters(); // names the parameters (0.weight, …) for the drawing
  const rng = new Rng(0);
  const batch = flags.batch as number;
  const x = randn([batch, spec.layers[0]], { rng });
  x.name = 'x';
  const classes = spec.layers[spec.layers.length - 1];
  const labels = tensor(
    Array.from({ length: batch }, (_, i) => i % classes),
    { dtype: 'int32' },
  );
  labels.name = 'labels';
  const loss = softmaxCrossEntropy(model.forward(x), labels);
  loss.name = 'loss';
  const dot = toDot(loss, { showValues: flags.values === true });
  const outDir = prepareOutDir(CMD, flags.out as string | undefined, 'graph');
  const files = ['graph.dot', 'graph.svg', 'graph.png'].map((f) => path.join(outDir, f));
  fs.writeFileSync(files[0], dot);
  const svg = dotToSvg(dot);
  fs.writeFileSync(files[1], svg);
  fs.writeFileSync(files[2], svgToPng(svg, 1.5));
  const ops = (dot.match(/shape=box/g) ?? []).length;
  io.out(`graph of ${spec.layers.join('-')} ${spec.activation} + softmax cross-entropy: ${ops} ops`);
  io.out(`wrote ${files.map((f) => displayPath(f)).join(', ')}`);
  return 0;
}
