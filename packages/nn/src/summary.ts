import {
  type DType,
  type HookHandle,
  INSPECT,
  Tensor,
  checkDType,
  checkOneOf,
  checkOptions,
  checkShapeArg,
  noGrad,
  zeros,
} from '@tapegrad/core';
import type { Module } from './module';
import { Parameter } from './parameter';

/** Options of `Module.summary`. */
export interface SummaryOptions {
  /** dtype of the zeros fed through the model (default: its first parameter's, else float32). */
  dtype?: DType;
  /** 1 (default) prints the table with console.log; 0 only returns it. */
  verbose?: 0 | 1;
}

/** One call of one module during the summary's forward pass. */
export interface SummaryRow {
  /** Dotted name (`''` for the model itself). */
  readonly name: string;
  /** The module's class name. */
  readonly type: string;
  /** Nesting depth (0 for the model). */
  readonly depth: number;
  /** The output's shape, one per tensor for a list output, or null for anything else. */
  readonly outputShape: readonly number[] | readonly (readonly number[])[] | null;
  /** Scalars in the module's own parameters (not its children's); 0 on a repeated call. */
  readonly params: number;
  /** True when this module already ran earlier in the pass (shared weights). */
  readonly recursive: boolean;
}

/**
 * What `Module.summary` found: a row per module call in execution order, and parameter totals.
 * `String(summary)` is the torchinfo/Keras-style table.
 *
 * @example
 * const s = mlp([784, 256, 10]).summary([1, 784], { verbose: 0 });
 * s.totalParams; // 203530
 */
export class ModelSummary {
  constructor(
    readonly rows: readonly SummaryRow[],
    readonly inputShape: readonly number[],
    readonly totalParams: number,
    readonly trainableParams: number,
    /** Bytes of parameter data. */
    readonly paramBytes: number,
  ) {}

  /** Parameters that do not require grad (frozen). */
  get nonTrainableParams(): number {
    return this.totalParams - this.trainableParams;
  }

  /** The table: layer (type), output shape and parameter count per row, then the totals. */
  toString(): string {
    const shape = (s: SummaryRow['outputShape']): string =>
      s === null
        ? '?'
        : Array.isArray(s[0])
          ? (s as number[][]).map((x) => `[${x.join(', ')}]`).join(', ')
          : `[${s.join(', ')}]`;
    const cells = this.rows.map((r) => [
      `${'  '.repeat(r.depth)}${r.name === '' ? r.type : `${r.name} (${r.type})`}`,
      shape(r.outputShape),
      r.recursive ? '(recursive)' : r.params === 0 ? '--' : count(r.params),
    ]);
    const head = ['Layer (type)', 'Output shape', 'Param #'];
    const widths = head.map((h, j) => Math.max(h.length, ...cells.map((c) => c[j].length)));
    const line = (c: string[]): string =>
      `${c[0].padEnd(widths[0])}   ${c[1].padEnd(widths[1])}   ${c[2].padStart(widths[2])}`.trimEnd();
    const rule = '='.repeat(widths[0] + widths[1] + widths[2] + 6);
    return [
      rule,
      line(head),
      rule,
      ...cells.map(line),
      rule,
      `Total params: ${count(this.totalParams)}`,
      `Trainable params: ${count(this.trainableParams)}`,
      `Non-trainable params: ${count(this.nonTrainableParams)}`,
      rule,
      `Input shape: [${this.inputShape.join(', ')}]`,
      `Params size (MB): ${(this.paramBytes / 1e6).toFixed(2)}`,
      rule,
    ].join('\n');
  }

  /** `console.log(summary)` prints the table. */
  [INSPECT](): string {
    return this.toString();
  }
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function shapeOf(out: unknown): SummaryRow['outputShape'] {
  if (out instanceof Tensor) return [...out.shape];
  if (Array.isArray(out) && out.length > 0 && out.every((o) => o instanceof Tensor)) {
    return out.map((o: Tensor) => [...o.shape]);
  }
  return null;
}

/**
 * Runs `model` once on zeros of `inputShape` (batch axis included, as torchinfo) in eval mode
 * without recording, with a forward hook on every sub-module, and tabulates what each produced.
 *
 * @example
 * summarize(model, [1, 784], {}); // ModelSummary
 */
export function summarize(model: Module, inputShape: readonly number[], options: SummaryOptions = {}): ModelSummary {
  const who = `${model.constructor.name}.summary`;
  const shape = checkShapeArg(who, 'inputShape', inputShape);
  const o = checkOptions(who, options, ['dtype', 'verbose']);
  const params = model.parameters();
  const dtype = o.dtype === undefined ? (params[0]?.dtype ?? 'float32') : checkDType(who, o.dtype);
  const verbose = checkOneOf(who, 'verbose', o.verbose ?? 1, [0, 1] as const);
  const depth = new Map<Module, number>();
  const names = new Map<Module, string>();
  model.namedModules().forEach((m, name) => names.set(m, name));
  const walk = (m: Module, d: number): void => {
    if (depth.has(m)) return;
    depth.set(m, d);
    for (const [, v] of m.ownEntries()) if (!(v instanceof Parameter)) walk(v, d + 1);
  };
  walk(model, 0);
  const rows: { row: SummaryRow; out: unknown }[] = [];
  const ran = new Set<Module>();
  const handles: HookHandle[] = [];
  for (const m of names.keys()) {
    const pending: { row: SummaryRow; out: unknown }[] = [];
    handles.push(
      m.registerForwardPreHook(() => {
        const recursive = ran.has(m);
        ran.add(m);
        const own = recursive ? 0 : m.ownEntries().reduce((n, [, v]) => n + (v instanceof Parameter ? v.size : 0), 0);
        const entry = {
          row: {
            name: names.get(m)!,
            type: m.constructor.name,
            depth: depth.get(m)!,
            outputShape: null,
            params: own,
            recursive,
          },
          out: undefined as unknown,
        };
        rows.push(entry);
        pending.push(entry);
      }),
      m.registerForwardHook((_m, _inputs, out) => {
        const entry = pending.pop();
        if (entry) entry.out = out;
      }),
    );
  }
  const was = model.training;
  try {
    model.eval();
    noGrad(() => (model.forward as (x: Tensor) => unknown)(zeros(shape, { dtype })));
  } finally {
    model.train(was);
    for (const h of handles) h.remove();
  }
  const total = params.reduce((n, p) => n + p.size, 0);
  const trainable = params.reduce((n, p) => n + (p.requiresGrad ? p.size : 0), 0);
  const bytes = params.reduce((n, p) => n + p.data.byteLength, 0);
  const summary = new ModelSummary(
    rows.map(({ row, out }) => ({ ...row, outputShape: shapeOf(out) })),
    shape,
    total,
    trainable,
    bytes,
  );
  if (verbose === 1) console.log(summary.toString());
  return summary;
}
