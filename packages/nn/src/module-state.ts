import { OrderedMap } from 'immutable';
import { type DType, Tensor, astype, isFloat, noGrad } from '@tapegrad/core';

/** How a buffer is kept (see `Module.registerBuffer`). */
export interface BufferOptions {
  /** Part of the state dict and checkpoints (default true, as PyTorch). */
  persistent?: boolean;
  /**
   * An int32 buffer that PyTorch keeps as int64 (BatchNorm's `num_batches_tracked`):
   * checkpoints store it as I64, so the file loads into PyTorch with the dtype it expects.
   */
  int64?: boolean;
}

/** A registered buffer: its name, current value (null: registered as absent) and options. */
export interface BufferEntry {
  readonly name: string;
  readonly value: Tensor | null;
  readonly persistent: boolean;
  readonly int64: boolean;
}

/** What the state walks need of a module (Module has all of it). */
export interface StatefulModule {
  namedModules(): OrderedMap<string, StatefulModule>;
  ownEntries(): [string, unknown][];
  ownBuffers(): BufferEntry[];
}

const dotted = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

/**
 * Every buffer of the tree with its dotted name (`bn.running_mean`), module by module, in
 * registration order; absent (null) buffers are left out, as PyTorch's `named_buffers()`.
 *
 * @example
 * namedBuffersOf(model).keySeq().toArray(); // ['1.running_mean', '1.running_var', '1.num_batches_tracked']
 */
export function namedBuffersOf(root: StatefulModule, which: 'all' | 'persistent' = 'all'): OrderedMap<string, Tensor> {
  const seen = new Set<Tensor>();
  return OrderedMap<string, Tensor>().withMutations((m) => {
    root.namedModules().forEach((mod, prefix) => {
      for (const b of mod.ownBuffers()) {
        if (b.value === null || seen.has(b.value) || (which === 'persistent' && !b.persistent)) continue;
        seen.add(b.value);
        m.set(dotted(prefix, b.name), b.value);
      }
    });
  });
}

/**
 * The module's state as PyTorch's `state_dict()` orders it: each module's own parameters, then
 * its persistent buffers, then its children's, depth first; a tensor reachable twice is listed
 * once, under its first name. The tensors are the live ones (no copies).
 *
 * @example
 * namedStateOf(new BatchNorm2d(3)).keySeq().toArray(); // ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
 */
export function namedStateOf(root: StatefulModule, isParam: (v: unknown) => v is Tensor): OrderedMap<string, Tensor> {
  const seen = new Set<Tensor>();
  return OrderedMap<string, Tensor>().withMutations((m) => {
    root.namedModules().forEach((mod, prefix) => {
      const own: [string, Tensor][] = [
        ...mod.ownEntries().filter((e): e is [string, Tensor] => isParam(e[1])),
        ...mod
          .ownBuffers()
          .filter((b) => b.persistent && b.value !== null)
          .map((b): [string, Tensor] => [b.name, b.value!]),
      ];
      for (const [name, t] of own) {
        if (seen.has(t)) continue;
        seen.add(t);
        m.set(dotted(prefix, name), t);
      }
    });
  });
}

/**
 * The dotted names of the persistent buffers registered with `int64: true`.
 *
 * @example
 * int64NamesOf(new BatchNorm2d(3)); // Set { 'num_batches_tracked' }
 */
export function int64NamesOf(root: StatefulModule): Set<string> {
  const out = new Set<string>();
  root.namedModules().forEach((mod, prefix) => {
    for (const b of mod.ownBuffers()) if (b.int64 && b.persistent && b.value !== null) out.add(dotted(prefix, b.name));
  });
  return out;
}

/**
 * Converts every floating buffer of `modules` to `dtype` through `set(module, name, tensor)`;
 * integer buffers (counters) keep their dtype, as PyTorch's `module.to(dtype)`.
 *
 * @example
 * castBuffers(model.modules(), 'float64', (m, name, t) => m.registerBuffer(name, t));
 */
export function castBuffers<M extends { ownBuffers(): BufferEntry[] }>(
  modules: Iterable<M>,
  dtype: DType,
  set: (module: M, entry: BufferEntry, value: Tensor) => void,
): void {
  for (const mod of modules) {
    for (const b of mod.ownBuffers()) {
      if (b.value === null || !isFloat(b.value.dtype) || b.value.dtype === dtype) continue;
      set(
        mod,
        b,
        noGrad(() => astype(b.value!.detach(), dtype)),
      );
    }
  }
}

/** A buffer's value must be a plain tensor that needs no gradient. */
export function isBufferValue(v: unknown): v is Tensor | null {
  return v === null || (v instanceof Tensor && !v.requiresGrad);
}
