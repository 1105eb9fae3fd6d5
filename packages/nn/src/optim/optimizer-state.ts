import { Tensor, ValueError, describe } from '@tapegrad/core';
import { StateDictError } from '../errors';
import { entriesOf } from '../state-dict';

/** One parameter's saved state: `step` and its buffers (`expAvg`, `momentumBuffer`, …). */
export type ParamStateDict = { [slot: string]: Tensor | number };

/** One group in a saved optimiser state: its options and the names of its parameters. */
export type ParamGroupStateDict = { params: string[]; [option: string]: unknown };

/** A serialisable snapshot of an optimiser, PyTorch's layout (see `Optimizer.stateDict`). */
export interface OptimizerStateDict {
  /** The optimiser class name (`Adam`, …). */
  type: string;
  /** Each group's hyper-parameters (current `lr` included) and parameter names. */
  paramGroups: ParamGroupStateDict[];
  /** Per-parameter state by parameter name; tensors are copies. */
  state: Map<string, ParamStateDict>;
}

/**
 * What `Optimizer.loadStateDict` accepts: an {@link OptimizerStateDict}, or one whose `state` is a
 * plain object or an Immutable map, with per-parameter state as objects or maps.
 */
export interface OptimizerStateDictInput {
  type: string;
  paramGroups: readonly ParamGroupStateDict[];
  state:
    | ReadonlyMap<string, ParamStateDict | ReadonlyMap<string, Tensor | number>>
    | { readonly [name: string]: ParamStateDict };
}

/** A copy of one parameter's state (tensors copied, numbers kept). */
export function copyState(s: ParamStateDict): ParamStateDict {
  const out: ParamStateDict = {};
  for (const [k, v] of Object.entries(s)) out[k] = v instanceof Tensor ? new Tensor(v.data.slice(), v.shape) : v;
  return out;
}

/** What {@link checkOptimizerState} needs of the target's groups. */
interface GroupSpec {
  readonly names: readonly string[];
  readonly params: readonly Tensor[];
}

/**
 * Validates a state dict against an optimiser of `type` with `groups` and buffer names `slots`.
 * Returns each group's options (without `params`) and the per-parameter state as copies.
 * Structural problems are ValueErrors; per-parameter problems are listed in one StateDictError.
 *
 * @example
 * const { groups, state } = checkOptimizerState('SGD.loadStateDict', sd, 'SGD', opt.paramGroups, ['momentumBuffer']);
 */
export function checkOptimizerState(
  who: string,
  sd: unknown,
  type: string,
  groups: readonly GroupSpec[],
  slots: readonly string[],
): { groups: { [key: string]: unknown }[]; state: [string, ParamStateDict][] } {
  if (sd === null || typeof sd !== 'object' || Array.isArray(sd)) {
    throw new ValueError(`${who}: expected an optimizer state dict { type, paramGroups, state }, got ${describe(sd)}`);
  }
  const { type: given, paramGroups, state } = sd as Partial<OptimizerStateDictInput>;
  if (given !== type) throw new ValueError(`${who}: state is from a ${describe(given)}, not a ${type}`);
  if (!Array.isArray(paramGroups) || paramGroups.length !== groups.length) {
    throw new ValueError(
      `${who}: paramGroups must be an array of ${groups.length} groups, got ${Array.isArray(paramGroups) ? `${paramGroups.length} groups` : describe(paramGroups)}`,
    );
  }
  const options = paramGroups.map((g: unknown, i) => {
    if (g === null || typeof g !== 'object') throw new ValueError(`${who}: paramGroups[${i}] is ${describe(g)}`);
    const { params, ...rest } = g as ParamGroupStateDict;
    const want = groups[i].names;
    if (!Array.isArray(params) || params.length !== want.length || params.some((n, j) => n !== want[j])) {
      throw new ValueError(
        `${who}: paramGroups[${i}] holds parameters ${describe(params)}, but group ${i} here holds ${describe([...want])}`,
      );
    }
    return rest;
  });
  const byName = new Map<string, Tensor>();
  for (const g of groups) g.names.forEach((n, j) => byName.set(n, g.params[j]));
  const unexpected: string[] = [];
  const mismatched: string[] = [];
  const out: [string, ParamStateDict][] = [];
  for (const [name, raw] of entriesOf<unknown>(who, 'state', state)) {
    const p = byName.get(name);
    if (p === undefined) {
      unexpected.push(name);
      continue;
    }
    const s: ParamStateDict = {};
    for (const [slot, v] of entriesOf<unknown>(who, `state['${name}']`, raw)) {
      if (slot === 'step') {
        if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) s.step = v;
        else mismatched.push(`${name}.step: expected an integer ≥ 0, got ${describe(v)}`);
      } else if (!slots.includes(slot)) {
        mismatched.push(`${name}.${slot}: not a buffer of ${type} (${slots.join(', ') || 'none'})`);
      } else if (!(v instanceof Tensor) || v.dtype !== p.dtype || v.shape.join() !== p.shape.join()) {
        mismatched.push(`${name}.${slot}: expected a [${p.shape.join(',')}] ${p.dtype} tensor, got ${describe(v)}`);
      } else s[slot] = new Tensor(v.data.slice(), v.shape);
    }
    out.push([name, s]);
  }
  if (unexpected.length + mismatched.length > 0) {
    const parts = [];
    if (unexpected.length) parts.push(`${unexpected.length} unexpected (${unexpected.join(', ')})`);
    if (mismatched.length) parts.push(`${mismatched.length} mismatched (${mismatched.join('; ')})`);
    throw new StateDictError(`${who}: ${parts.join('; ')}`, [], unexpected, mismatched);
  }
  return { groups: options, state: out };
}
