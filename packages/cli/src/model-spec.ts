import * as fs from 'node:fs';
import * as path from 'node:path';
import { Rng } from '@tapegrad/core';
import { makeDir } from '@tapegrad/datasets';
import { decodeSafetensors, init, load, mlp, save, type Module, type Sequential } from '@tapegrad/nn';

/** The architecture of a CLI / demo model, stored in its checkpoint's metadata. */
export interface ModelSpec {
  layers: number[];
  activation: 'relu' | 'sigmoid' | 'tanh';
}

/** Activations the CLI accepts. */
export const ACTIVATIONS = ['relu', 'sigmoid', 'tanh'] as const;

/**
 * An MLP for `spec`: He-normal weights for ReLU, Xavier (Glorot) for sigmoid/tanh, zero biases.
 *
 * @example
 * const model = buildModel({ layers: [784, 256, 10], activation: 'relu' }, new Rng(1));
 */
export function buildModel(spec: ModelSpec, rng: Rng): Sequential {
  const weights = spec.activation === 'relu' ? init.heNormal : init.xavierNormal;
  return mlp(spec.layers, { activation: spec.activation, init: weights, rng });
}

/**
 * Saves the weights as safetensors with the spec and any extra entries as metadata, so
 * {@link readCheckpointMeta} can rebuild the model without being told its shape.
 *
 * @example
 * saveCheckpoint(model, spec, 'runs/x/model.safetensors', { data: 'mnist' });
 */
export function saveCheckpoint(model: Module, spec: ModelSpec, file: string, extra: Record<string, string> = {}): void {
  makeDir(path.dirname(file));
  save(model, file, {
    metadata: { ...extra, layers: spec.layers.join(','), activation: spec.activation },
  });
}

/**
 * The metadata of a checkpoint written by {@link saveCheckpoint}, with its spec parsed.
 *
 * @example
 * const { spec, meta } = readCheckpointMeta('runs/x/model.safetensors');
 * spec.layers; // [784, 256, 10]
 */
export function readCheckpointMeta(file: string): { spec: ModelSpec; meta: Record<string, string> } {
  const { metadata } = decodeSafetensors(fs.readFileSync(file), `checkpoint '${file}'`);
  const layers = (metadata.layers ?? '').split(',').map(Number);
  const activation = metadata.activation as ModelSpec['activation'];
  if (layers.length < 2 || !layers.every((n) => Number.isInteger(n) && n > 0) || !ACTIVATIONS.includes(activation)) {
    throw new Error(
      `checkpoint '${file}' has no tapegrad model spec in its metadata (layers='${metadata.layers}', activation='${metadata.activation}'); was it written by 'tapegrad train' or 'npm start'?`,
    );
  }
  return { spec: { layers, activation }, meta: metadata };
}

/**
 * Builds the model a checkpoint describes and loads its weights.
 *
 * @example
 * const { model } = loadCheckpoint('runs/x/model.safetensors');
 * model.forward(x).argmax(1);
 */
export function loadCheckpoint(file: string): { model: Sequential; spec: ModelSpec; meta: Record<string, string> } {
  const { spec, meta } = readCheckpointMeta(file);
  const model = buildModel(spec, new Rng(0));
  load(model, file);
  return { model, spec, meta };
}
