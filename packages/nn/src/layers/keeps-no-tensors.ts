import type { Module } from '../module';

// Classes whose own forward keeps no reference to its input, its output or any tensor made
// from them (no field, closure or hook). Only the exact classes count: a subclass may keep
// what it likes, so it must declare itself.
const declared = new WeakSet<object>();

/** A layer class. */
type LayerClass = abstract new (...args: never[]) => Module;

/**
 * @internal Declares that these layer classes keep no tensor of a forward call, so a container
 * may hand their intermediate results to the tape alone (see `markIntermediate` in core).
 */
export function declareKeepsNoTensors(...classes: LayerClass[]): void {
  for (const c of classes) declared.add(c);
}

/**
 * @internal Whether `m`'s forward keeps no tensor: its exact class is declared, no hook or
 * instance override replaced its forward, and so do all its children.
 */
export function keepsNoTensors(m: Module): boolean {
  if (!declared.has(m.constructor) || Object.prototype.hasOwnProperty.call(m, 'forward')) return false;
  for (const [, child] of m.namedChildren()) if (!keepsNoTensors(child)) return false;
  return true;
}
