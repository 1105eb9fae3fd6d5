import type { Tensor } from '@tapegrad/core';
import type { ExportableModel } from './trace';

/** The parts of an nn `Module` the exporter uses, when the model has them. */
interface ModuleLike {
  training?: boolean;
  train?(mode: boolean): unknown;
  namedModules?(): { forEach(fn: (m: ModuleLike, name: string) => unknown): unknown };
  namedParameters?(): { forEach(fn: (p: Tensor, name: string) => unknown): unknown };
  namedBuffers?(): { forEach(fn: (b: Tensor, name: string) => unknown): unknown };
}

/**
 * Puts a model in evaluation mode for the export when any of its modules is training (warning
 * once), and returns the function that restores every module's own mode.
 *
 * @example
 * const restore = evalDuringExport(model, console.warn);
 * try { trace(); } finally { restore(); }
 */
export function evalDuringExport(model: ExportableModel, warn: (message: string) => void): () => void {
  const root = model as ModuleLike;
  if (typeof root.train !== 'function') return () => {};
  const modes: [ModuleLike, boolean][] = [];
  if (typeof root.namedModules === 'function')
    root.namedModules().forEach((m) => void modes.push([m, m.training === true]));
  else modes.push([root, root.training === true]);
  if (!modes.some(([, training]) => training)) return () => {};
  warn(
    'exportOnnx: the model is in training mode; exporting its evaluation behaviour (Dropout as the identity), ' +
      'as after model.eval(). Call model.eval() before exporting to silence this warning.',
  );
  root.train(false);
  // namedModules lists parents before children, so each child's own mode is restored last.
  return () => modes.forEach(([m, training]) => m.train?.(training));
}

/**
 * The state-dict name of every parameter and buffer of the model (`0.weight`,
 * `1.running_mean` …), for naming initializers.
 *
 * @example
 * stateNames(new Sequential(new Linear(2, 3), new BatchNorm1d(3)));
 * // Map { weight → '0.weight', bias → '0.bias', … running mean → '1.running_mean', … }
 */
export function stateNames(model: ExportableModel): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  const m = model as ModuleLike;
  const add = (t: Tensor, name: string): void => void (names.has(t) || names.set(t, name));
  if (typeof m.namedParameters === 'function') m.namedParameters().forEach(add);
  if (typeof m.namedBuffers === 'function') m.namedBuffers().forEach(add);
  return names;
}
