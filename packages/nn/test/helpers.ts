import type { Tensor } from '@tapegrad/core';
import type { Module } from '@tapegrad/nn';

/**
 * Turns a module into a function of (input, ...parameters) for gradcheck: each call writes the
 * given tensors into the module's parameter slots (by dotted path) and runs forward.
 */
export function asFunction(m: { forward(x: Tensor): Tensor } & Module): {
  names: string[];
  params: Tensor[];
  f: (x: Tensor, ...ps: Tensor[]) => Tensor;
} {
  const named = m.namedParameters();
  const names = [...named.keys()];
  const f = (x: Tensor, ...ps: Tensor[]): Tensor => {
    names.forEach((name, i) => {
      const path = name.split('.');
      let obj = m as unknown as Record<string, unknown>;
      for (const key of path.slice(0, -1)) obj = obj[key] as Record<string, unknown>;
      obj[path[path.length - 1]] = ps[i];
    });
    return m.forward(x);
  };
  return { names, params: [...named.values()], f };
}
