import type { Module } from '../module';

// Classes whose own forward keeps no reference to its input, its output or any tensor made
// from them (no field, closure or hook), each with what else must hold for an instance: a
// container's forward runs its children, so they must keep none either. Only the exact classes
// count: a subclass may keep what it likes, so it must declare itself.
const declared = new WeakMap<object, ((m: Module) => boolean) | null>();

/** A layer class. */
type LayerClass<M extends Module = Module> = abstract new (...args: never[]) => M;

/**
 * @internal Declares that instances of `layerClass` keep no tensor of a forward call (when
 * `also(instance)` holds, for a container whose forward runs other modules), so a container
 * may hand their intermediate results to the tape alone (see `markIntermediate` in core).
 */
export function declareKeepsNoTensors<M extends Module>(layerClass: LayerClass<M>, also?: (m: M) => boolean): void {
  declared.set(layerClass, (also as ((m: Module) => boolean) | undefined) ?? null);
}

/**
 * @internal Whether `m`'s forward keeps no tensor: its exact class is declared, no hook or
 * instance override replaced its forward, and the class's condition holds (a cheap test: this
 * runs for every layer of every forward).
 */
export function keepsNoTensors(m: Module): boolean {
  const also = declared.get(m.constructor);
  if (also === undefined || Object.prototype.hasOwnProperty.call(m, 'forward')) return false;
  return also === null || also(m);
}
