import * as fs from 'fs';
import * as path from 'path';
import { Map as IMap, OrderedMap } from 'immutable';
import { Tensor, ValueError } from '@tapegrad/core';
import { CheckpointError } from '../errors';
import type { Module } from '../module';
import type { OptimizerLike, OptimizerStateDict, ParamState } from '../optim/optimizer';
import { upgradeKey } from '../legacy-keys';
import { checkStateDict } from '../state-dict';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

/** Prefix of the optimiser-state tensors: `__optimizer__.<parameter>.<slot>`. */
export const OPTIMIZER_PREFIX = '__optimizer__.';
/** Metadata key holding the optimiser's type, hyper-parameters and per-parameter scalars as JSON. */
export const OPTIMIZER_META_KEY = 'tapegrad.optimizer';
const RESERVED = ['format', OPTIMIZER_META_KEY, 'tapegrad.crc32'];

/** Options of {@link save}. */
export interface SaveOptions {
  /** Also store this optimiser's state (tensors under `__optimizer__.`, scalars in metadata). */
  optimizer?: OptimizerLike;
  /** Your own string entries for `__metadata__` (epoch, commit, …). */
  metadata?: { readonly [key: string]: string };
}

/**
 * Writes the model's parameters (and optionally the optimiser state) as a safetensors file
 * readable by any safetensors reader. The bytes go to a temporary file in the same directory,
 * are flushed, and the file is renamed over `file`, so a crash never leaves a partial file
 * under the real name.
 *
 * @example
 * save(model, 'ckpt.safetensors', { optimizer: opt, metadata: { epoch: '10' } });
 * load(model, 'ckpt.safetensors', { optimizer: opt });
 */
export function save(model: Module, file: string, options: SaveOptions = {}): void {
  const metadata: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (typeof v !== 'string') throw new ValueError(`save: metadata values must be strings, '${k}' is ${typeof v}`);
    if (RESERVED.includes(k)) throw new ValueError(`save: metadata key '${k}' is reserved (${RESERVED.join(', ')})`);
    metadata[k] = v;
  }
  const tensors: [string, Tensor][] = [...model.namedParameters().entries()];
  if (options.optimizer) {
    const sd = options.optimizer.stateDict();
    const scalars: { [param: string]: { [slot: string]: number } } = {};
    sd.state.forEach((s, name) => {
      s.forEach((v, slot) => {
        if (v instanceof Tensor) tensors.push([`${OPTIMIZER_PREFIX}${name}.${slot}`, v]);
        else (scalars[name] ??= {})[slot] = v;
      });
    });
    metadata[OPTIMIZER_META_KEY] = JSON.stringify({ type: sd.type, options: sd.options, scalars });
  }
  writeAtomic(file, encodeSafetensors(tensors, metadata));
}

function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`,
  );
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Options of {@link load}. */
export interface LoadOptions {
  /** Restore this optimiser's state too (the file must contain it). */
  optimizer?: OptimizerLike;
  /** Require exactly the model's parameter names (default true). */
  strict?: boolean;
}

/**
 * Reads a safetensors file into the model (and optimiser) in place, after validating it
 * completely: the format ({@link CheckpointError} for truncated or corrupt files), then names,
 * shapes and dtypes against the model ({@link StateDictError} listing every problem). Nothing
 * is modified unless everything checks out. Returns your metadata.
 *
 * @example
 * const meta = load(model, 'ckpt.safetensors', { optimizer: opt });
 * meta.epoch; // '10'
 */
export function load(model: Module, file: string, options: LoadOptions = {}): { [key: string]: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new CheckpointError(`load: cannot read '${file}': ${(e as Error).message}`, 'io');
  }
  const { tensors, metadata } = decodeSafetensors(bytes, `load('${file}')`);
  const params = model.namedParameters();
  // Names written by an older tapegrad (a Sequential's `layers.0.weight`) load under today's.
  const rename = (k: string): string => (params.has(k) ? k : upgradeKey(model, k));
  const weights = [...tensors.entries()]
    .filter(([k]) => !k.startsWith(OPTIMIZER_PREFIX))
    .map(([k, t]) => [rename(k), t] as const);
  checkStateDict(`load('${file}')`, params, weights, options.strict ?? true);
  const optState = options.optimizer ? optimizerState(file, tensors, metadata, rename) : null;
  if (optState) options.optimizer!.loadStateDict(optState);
  weights.forEach(([name, t]) => params.get(name)?.data.set(t.data));
  const user = { ...metadata };
  for (const k of RESERVED) delete user[k];
  return user;
}

function optimizerState(
  file: string,
  tensors: OrderedMap<string, Tensor>,
  metadata: { [key: string]: string },
  rename: (param: string) => string,
): OptimizerStateDict {
  const raw = metadata[OPTIMIZER_META_KEY];
  if (raw === undefined) throw new CheckpointError(`load('${file}'): the file holds no optimizer state`, 'metadata');
  let info: { type: string; options: { [key: string]: unknown }; scalars: { [p: string]: { [s: string]: number } } };
  try {
    info = JSON.parse(raw);
    if (typeof info.type !== 'string' || typeof info.options !== 'object' || typeof info.scalars !== 'object') {
      throw new Error('missing type, options or scalars');
    }
  } catch (e) {
    throw new CheckpointError(
      `load('${file}'): invalid ${OPTIMIZER_META_KEY} metadata: ${(e as Error).message}`,
      'metadata',
    );
  }
  let state = OrderedMap<string, ParamState>();
  tensors.forEach((t, key) => {
    if (!key.startsWith(OPTIMIZER_PREFIX)) return;
    const rest = key.slice(OPTIMIZER_PREFIX.length);
    const dot = rest.lastIndexOf('.');
    const [param, slot] = [rename(rest.slice(0, dot)), rest.slice(dot + 1)];
    state = state.set(param, (state.get(param) ?? IMap<string, Tensor | number>()).set(slot, t));
  });
  for (const [name, scalars] of Object.entries(info.scalars)) {
    const param = rename(name);
    for (const [slot, v] of Object.entries(scalars)) {
      state = state.set(param, (state.get(param) ?? IMap<string, Tensor | number>()).set(slot, v));
    }
  }
  return { type: info.type, options: info.options, state };
}
