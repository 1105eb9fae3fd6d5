import { type HookHandle, type Tensor, checkBoolean, checkFunction, checkOptions } from '@tapegrad/core';
import type { Module } from './module';

/**
 * Called after a module's forward with its inputs and output (`Out`: what that module's forward
 * returns, a Tensor for most layers); returning a value replaces the output (PyTorch's
 * `register_forward_hook`).
 */
export type ForwardHook<Out = Tensor> = (module: Module, inputs: readonly unknown[], output: Out) => Out | void;

/**
 * Called before a module's forward with its inputs; returning an array replaces the arguments,
 * any other value replaces the single argument (PyTorch's `register_forward_pre_hook`).
 */
export type ForwardPreHook = (module: Module, inputs: readonly unknown[]) => unknown;

/** Options of `registerForwardHook` / `registerForwardPreHook`. */
export interface HookOptions {
  /** Run this hook before the ones already registered (default false). */
  prepend?: boolean;
}

interface Hooks {
  pre: ForwardPreHook[];
  post: ForwardHook<unknown>[];
  /** The `forward` own-property descriptor the module had before hooks wrapped it, if any. */
  own: PropertyDescriptor | undefined;
}

// Kept outside the module, so that hooks add no fields a user would see in console.log.
const registry = new WeakMap<Module, Hooks>();

/**
 * Registers a forward (pre-)hook on `module`. The first hook wraps the instance's `forward`, so
 * hooks run however forward is reached — `model.forward(x)` or a parent's `this.fc.forward(x)` —
 * and removing the last hook restores it.
 *
 * @example
 * const h = addForwardHook(fc, 'post', (m, inputs, y) => void shapes.push(y.shape), {});
 * h.remove();
 */
export function addForwardHook(
  module: Module,
  kind: 'pre' | 'post',
  hook: ForwardHook<unknown> | ForwardPreHook,
  options: HookOptions | undefined,
): HookHandle {
  const who = `${module.constructor.name}.${kind === 'pre' ? 'registerForwardPreHook' : 'registerForwardHook'}`;
  checkFunction(who, 'hook', hook);
  const o = checkOptions(who, options, ['prepend']);
  const prepend = o.prepend === undefined ? false : checkBoolean(who, 'prepend', o.prepend);
  let hooks = registry.get(module);
  if (hooks === undefined) {
    hooks = { pre: [], post: [], own: Object.getOwnPropertyDescriptor(module, 'forward') };
    registry.set(module, hooks);
    wrap(module, hooks);
  }
  const list: unknown[] = kind === 'pre' ? hooks.pre : hooks.post;
  if (prepend) list.unshift(hook);
  else list.push(hook);
  let removed = false;
  return {
    remove: () => {
      if (removed) return;
      removed = true;
      const i = list.indexOf(hook);
      if (i >= 0) list.splice(i, 1);
      if (hooks.pre.length + hooks.post.length === 0) unwrap(module, hooks);
    },
  };
}

function wrap(module: Module, hooks: Hooks): void {
  const original = module.forward as (...inputs: unknown[]) => unknown;
  const forward = (...args: unknown[]): unknown => {
    let inputs: unknown[] = args;
    for (const hook of [...hooks.pre]) {
      const r = hook(module, inputs);
      if (r !== undefined) inputs = Array.isArray(r) ? r : [r];
    }
    let out = original.apply(module, inputs);
    for (const hook of [...hooks.post]) {
      const r = hook(module, inputs, out);
      if (r !== undefined) out = r;
    }
    return out;
  };
  Object.defineProperty(module, 'forward', { value: forward, enumerable: false, writable: true, configurable: true });
}

function unwrap(module: Module, hooks: Hooks): void {
  registry.delete(module);
  if (hooks.own) Object.defineProperty(module, 'forward', hooks.own);
  else delete (module as { forward?: unknown }).forward;
}
