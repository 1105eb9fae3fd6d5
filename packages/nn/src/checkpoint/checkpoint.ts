import type { OrderedMap } from 'immutable';
import { Tensor, ValueError, checkBoolean, checkOptions, describe, incrementVersion } from '@tapegrad/core';
import { CheckpointError } from '../errors';
import { Module } from '../module';
import type { OptimizerLike, OptimizerStateDictInput, ParamStateDict } from '../optim/optimizer';
import type { SchedulerLike } from '../optim/scheduler-state';
import { upgradeKey } from '../legacy-keys';
import { checkStateDict } from '../state-dict';
import { readFile, writeAtomic } from '#nn-platform';
import { decodeSafetensors, encodeSafetensors } from './safetensors';

/** Prefix of the optimiser-state tensors: `__optimizer__.<parameter>.<slot>`. */
export const OPTIMIZER_PREFIX = '__optimizer__.';
/** Metadata key holding the optimiser's type, hyper-parameters and per-parameter scalars as JSON. */
export const OPTIMIZER_META_KEY = 'tapegrad.optimizer';
/** Metadata key holding the lr scheduler's state dict as JSON. */
export const SCHEDULER_META_KEY = 'tapegrad.scheduler';
const RESERVED = ['format', OPTIMIZER_META_KEY, SCHEDULER_META_KEY, 'tapegrad.crc32'];

/** Options of {@link save}. */
export interface SaveOptions {
  /** Also store this optimiser's state (tensors under `__optimizer__.`, scalars in metadata). */
  optimizer?: OptimizerLike;
  /** Also store this lr scheduler's state dict (JSON in metadata, under `tapegrad.scheduler`). */
  scheduler?: SchedulerLike;
  /** Your own string entries for `__metadata__` (epoch, commit, …). */
  metadata?: { readonly [key: string]: string };
}

/**
 * Writes the model's parameters and persistent buffers (and optionally the optimiser and lr scheduler state) as a safetensors file
 * readable by any safetensors reader. The bytes go to a temporary file in the same directory,
 * are flushed, and the file is renamed over `file`, so a crash never leaves a partial file
 * under the real name. Node.js only; everywhere, {@link saveBytes} gives the same bytes.
 *
 * @example
 * save(model, 'ckpt.safetensors', { optimizer: opt, scheduler: sched, metadata: { epoch: '10' } });
 * load(model, 'ckpt.safetensors', { optimizer: opt, scheduler: sched });
 */
export function save(model: Module, file: string, options: SaveOptions = {}): void {
  checkModel('save', model);
  checkFile('save', file);
  writeAtomic('save', file, encodeCheckpoint('save', model, options));
}

/**
 * The checkpoint {@link save} writes, as bytes (safetensors): for a download, IndexedDB, a
 * request body — anywhere, a browser included. {@link loadBytes} reads them back.
 *
 * @example
 * const bytes = saveBytes(model, { metadata: { epoch: '3' } });
 * loadBytes(model, bytes).epoch; // '3'
 */
export function saveBytes(model: Module, options: SaveOptions = {}): Uint8Array {
  checkModel('saveBytes', model);
  return encodeCheckpoint('saveBytes', model, options);
}

function encodeCheckpoint(who: string, model: Module, options: SaveOptions): Uint8Array {
  const o = checkOptions(who, options, ['optimizer', 'scheduler', 'metadata']);
  if (
    o.metadata !== undefined &&
    (o.metadata === null || typeof o.metadata !== 'object' || Array.isArray(o.metadata))
  ) {
    throw new ValueError(`${who}: metadata must be an object of strings, got ${describe(o.metadata)}`);
  }
  if (o.optimizer !== undefined) checkOptimizerArg(who, o.optimizer);
  if (o.scheduler !== undefined) checkSchedulerArg(who, o.scheduler);
  const metadata: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (typeof v !== 'string') throw new ValueError(`${who}: metadata values must be strings, '${k}' is ${typeof v}`);
    if (RESERVED.includes(k)) throw new ValueError(`${who}: metadata key '${k}' is reserved (${RESERVED.join(', ')})`);
    metadata[k] = v;
  }
  const tensors: [string, Tensor][] = [...model.namedState().entries()];
  if (options.optimizer) {
    const sd = options.optimizer.stateDict();
    const scalars: { [param: string]: { [slot: string]: number } } = {};
    for (const [name, s] of sd.state) {
      for (const [slot, v] of Object.entries(s)) {
        if (v instanceof Tensor) tensors.push([`${OPTIMIZER_PREFIX}${name}.${slot}`, v]);
        else (scalars[name] ??= {})[slot] = v;
      }
    }
    metadata[OPTIMIZER_META_KEY] = JSON.stringify({ type: sd.type, paramGroups: sd.paramGroups, scalars });
  }
  if (options.scheduler) metadata[SCHEDULER_META_KEY] = JSON.stringify(options.scheduler.stateDict());
  return encodeSafetensors(tensors, metadata, { int64: model.int64BufferNames() });
}

/** Options of {@link load}. */
export interface LoadOptions {
  /** Restore this optimiser's state too (the file must contain it). */
  optimizer?: OptimizerLike;
  /** Restore this lr scheduler's state too (the file must contain it). */
  scheduler?: SchedulerLike;
  /** Require exactly the model's parameter names (default true). */
  strict?: boolean;
}

/**
 * Reads a safetensors file into the model (and optimiser, and lr scheduler) in place, after validating it
 * completely: the format ({@link CheckpointError} for truncated or corrupt files), then names,
 * shapes and dtypes against the model ({@link StateDictError} listing every problem). Nothing
 * is modified unless everything checks out. Returns your metadata. Node.js only; everywhere,
 * {@link loadBytes} reads the same bytes.
 *
 * @example
 * const meta = load(model, 'ckpt.safetensors', { optimizer: opt });
 * meta.epoch; // '10'
 */
export function load(model: Module, file: string, options: LoadOptions = {}): { [key: string]: string } {
  checkModel('load', model);
  checkFile('load', file);
  const strict = loadOptions('load', options);
  return decodeInto(`load('${file}')`, model, readFile('load', file), options, strict);
}

/**
 * Reads checkpoint bytes (from {@link saveBytes}, an upload, any safetensors writer) into the
 * model (and optimiser) in place, checked as {@link load} checks a file; returns your metadata.
 *
 * @example
 * const meta = loadBytes(model, new Uint8Array(await file.arrayBuffer()));
 * meta.epoch; // '3'
 */
export function loadBytes(model: Module, bytes: Uint8Array, options: LoadOptions = {}): { [key: string]: string } {
  checkModel('loadBytes', model);
  if (!(bytes instanceof Uint8Array)) {
    throw new ValueError(`loadBytes: bytes must be a Uint8Array, got ${describe(bytes)}`);
  }
  const strict = loadOptions('loadBytes', options);
  return decodeInto('loadBytes', model, bytes, options, strict);
}

function loadOptions(who: string, options: LoadOptions): boolean {
  const o = checkOptions(who, options, ['optimizer', 'scheduler', 'strict']);
  if (o.optimizer !== undefined) checkOptimizerArg(who, o.optimizer);
  if (o.scheduler !== undefined) checkSchedulerArg(who, o.scheduler);
  return o.strict === undefined ? true : checkBoolean(who, 'strict', o.strict);
}

function decodeInto(
  source: string,
  model: Module,
  bytes: Uint8Array,
  options: LoadOptions,
  strict: boolean,
): { [key: string]: string } {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const params = model.namedState();
  // Names written by an older tapegrad (a Sequential's `layers.0.weight`) load under today's.
  const rename = (k: string): string => (params.has(k) ? k : upgradeKey(model, k));
  const weights = [...tensors.entries()]
    .filter(([k]) => !k.startsWith(OPTIMIZER_PREFIX))
    .map(([k, t]) => [rename(k), t] as const);
  checkStateDict(source, params, weights, strict);
  const optState = options.optimizer ? optimizerState(source, tensors, metadata, options.optimizer, rename) : null;
  const loadScheduler = options.scheduler ? schedulerLoader(source, metadata, options.scheduler) : null;
  if (optState) options.optimizer!.loadStateDict(optState);
  loadScheduler?.();
  for (const [name, t] of weights) {
    const p = params.get(name);
    if (p === undefined) continue;
    p.data.set(t.data);
    incrementVersion(p);
  }
  const user = { ...metadata };
  for (const k of RESERVED) delete user[k];
  return user;
}

function checkModel(who: string, model: unknown): void {
  if (!(model instanceof Module)) throw new ValueError(`${who}: model must be a Module, got ${describe(model)}`);
}

function checkOptimizerArg(who: string, opt: unknown): void {
  const o = opt as { stateDict?: unknown; loadStateDict?: unknown } | null;
  if (typeof o?.stateDict !== 'function' || typeof o.loadStateDict !== 'function') {
    throw new ValueError(`${who}: optimizer must be an optimiser (stateDict, loadStateDict), got ${describe(opt)}`);
  }
}

function checkSchedulerArg(who: string, sched: unknown): void {
  const s = sched as Partial<Record<keyof SchedulerLike, unknown>> | null;
  if (typeof s?.stateDict !== 'function' || typeof s.prepareLoad !== 'function') {
    throw new ValueError(
      `${who}: scheduler must be an lr scheduler (StepLR, …, ReduceLROnPlateau), got ${describe(sched)}`,
    );
  }
}

// Checks the file's scheduler state against `target` (changing nothing); returns what loads it.
function schedulerLoader(source: string, metadata: { [key: string]: string }, target: SchedulerLike): () => void {
  const raw = metadata[SCHEDULER_META_KEY];
  if (raw === undefined) throw new CheckpointError(`${source}: the file holds no scheduler state`, 'metadata');
  let sd: unknown;
  try {
    sd = JSON.parse(raw);
  } catch (e) {
    throw new CheckpointError(`${source}: invalid ${SCHEDULER_META_KEY} metadata: ${(e as Error).message}`, 'metadata');
  }
  return target.prepareLoad(`${source} scheduler`, sd);
}

function checkFile(who: string, file: unknown): void {
  if (typeof file !== 'string' || file === '') {
    throw new ValueError(`${who}: file must be a non-empty path string, got ${describe(file)}`);
  }
}

function optimizerState(
  source: string,
  tensors: OrderedMap<string, Tensor>,
  metadata: { [key: string]: string },
  target: OptimizerLike,
  rename: (param: string) => string,
): OptimizerStateDictInput {
  const raw = metadata[OPTIMIZER_META_KEY];
  if (raw === undefined) throw new CheckpointError(`${source}: the file holds no optimizer state`, 'metadata');
  let info: {
    type: string;
    paramGroups?: OptimizerStateDictInput['paramGroups'];
    options?: { [key: string]: unknown };
    scalars: { [p: string]: { [s: string]: number } };
  };
  try {
    info = JSON.parse(raw);
    const groups = Array.isArray(info.paramGroups) || typeof info.options === 'object';
    if (typeof info.type !== 'string' || !groups || typeof info.scalars !== 'object') {
      throw new Error('missing type, paramGroups or scalars');
    }
  } catch (e) {
    throw new CheckpointError(`${source}: invalid ${OPTIMIZER_META_KEY} metadata: ${(e as Error).message}`, 'metadata');
  }
  const state = new Map<string, ParamStateDict>();
  tensors.forEach((t, key) => {
    if (!key.startsWith(OPTIMIZER_PREFIX)) return;
    const rest = key.slice(OPTIMIZER_PREFIX.length);
    const dot = rest.lastIndexOf('.');
    const [param, slot] = [rename(rest.slice(0, dot)), rest.slice(dot + 1)];
    state.set(param, { ...state.get(param), [slot]: t });
  });
  for (const [name, scalars] of Object.entries(info.scalars)) {
    const param = rename(name);
    state.set(param, { ...state.get(param), ...scalars });
  }
  // Files written before parameter groups hold one `options` object for all parameters.
  const paramGroups =
    info.paramGroups?.map((g) => ({ ...g, params: g.params.map(rename) })) ??
    target.paramGroups.map((g) => ({ ...info.options, params: [...g.names] }));
  return { type: info.type, paramGroups, state };
}
