import * as fs from 'node:fs';

/**
 * A command-line mistake: the CLI prints its message with a pointer to `--help` and exits 2.
 *
 * @example
 * throw new UsageError("tapegrad train: --epochs expects a positive integer, got 'x'");
 * // main() → stderr, exit code 2
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One `--flag` of a command. */
export interface FlagSpec {
  /**
   * `'int' | 'float' | 'string'`, `'file'` (the path of an existing file), `'ints'`
   * (comma-separated integers), `'switch'` (no value, true when present) or a list of allowed values.
   */
  type: 'int' | 'float' | 'string' | 'file' | 'ints' | 'switch' | readonly string[];
  help: string;
  default?: string | number | number[];
  required?: boolean;
  /** Smallest valid value of an `'int'` or `'ints'` flag (default 1). */
  min?: number;
}

/** Parsed values by flag name (camelCased: `--batch-size` → `batchSize`). */
export type Parsed = Record<string, string | number | number[] | boolean | undefined>;

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** A plain decimal integer: digits only (no sign, exponent, hex, spaces or fraction). */
const DECIMAL_INT = /^\d+$/;
/** A plain decimal number, optionally with an exponent (`0.1`, `.5`, `1e-3`); no sign, hex or spaces. */
const DECIMAL = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function convert(cmd: string, flag: string, spec: FlagSpec, raw: string): string | number | number[] {
  const bad = (what: string): never => {
    throw new UsageError(`${cmd}: --${flag} expects ${what}, got '${raw}'`);
  };
  if (Array.isArray(spec.type)) {
    if (!spec.type.includes(raw)) bad(`one of ${spec.type.join('|')}`);
    return raw;
  }
  const min = spec.min ?? 1;
  const integer = (text: string): number | null => {
    const v = Number(text);
    return DECIMAL_INT.test(text) && Number.isSafeInteger(v) && v >= min ? v : null;
  };
  const intWhat = min === 1 ? 'a positive integer' : `an integer ≥ ${min}`;
  switch (spec.type) {
    case 'int':
      if (DECIMAL_INT.test(raw) && !Number.isSafeInteger(Number(raw)))
        bad(`${intWhat} of at most ${Number.MAX_SAFE_INTEGER}`);
      return integer(raw) ?? bad(intWhat);
    case 'float': {
      const v = Number(raw);
      return DECIMAL.test(raw) && Number.isFinite(v) && v > 0
        ? v
        : bad('a positive decimal number such as 0.01 or 1e-3');
    }
    case 'ints': {
      const parts = raw.split(',').map(integer);
      return parts.length >= 2 && parts.every((v) => v !== null)
        ? (parts as number[])
        : bad('comma-separated positive integers such as 784,100,10');
    }
    case 'file':
      return isFile(raw) ? raw : bad('an existing file');
    default:
      return raw === '' ? bad('a value') : raw;
  }
}

/**
 * Parses `--flag value`, `--flag=value` and `--help` against `specs`; unknown flags, missing
 * values, bad values, missing required flags and stray arguments throw a {@link UsageError}.
 *
 * @example
 * parseFlags('tapegrad train', ['--epochs', '3'], { epochs: { type: 'int', help: '', default: 5 } });
 * // { epochs: 3, help: false }
 */
export function parseFlags(cmd: string, argv: readonly string[], specs: Record<string, FlagSpec>): Parsed {
  const out: Parsed = { help: false };
  for (const [flag, spec] of Object.entries(specs)) out[camel(flag)] = spec.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`${cmd}: unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const flag = arg.slice(2, eq < 0 ? undefined : eq);
    // Own properties only: --__proto__, --constructor or --toString are not flags.
    const spec = Object.hasOwn(specs, flag) ? specs[flag] : undefined;
    if (!spec) {
      const known = Object.keys(specs)
        .map((f) => `--${f}`)
        .join(', ');
      throw new UsageError(`${cmd}: unknown option '--${flag}' (valid: ${known}, --help)`);
    }
    if (spec.type === 'switch') {
      if (eq >= 0) throw new UsageError(`${cmd}: --${flag} takes no value`);
      out[camel(flag)] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) raw = argv[++i];
    else throw new UsageError(`${cmd}: --${flag} needs a value`);
    out[camel(flag)] = convert(cmd, flag, spec, raw);
  }
  if (!out.help) {
    for (const [flag, spec] of Object.entries(specs)) {
      if (spec.required && out[camel(flag)] === undefined) throw new UsageError(`${cmd}: --${flag} is required`);
    }
  }
  return out;
}

/**
 * The `--help` text of a command: its synopsis, then one line per flag with type and default.
 *
 * @example
 * usage('tapegrad eval', 'Scores a checkpoint.', { split: { type: ['test', 'train'], help: 'split', default: 'test' } });
 * // 'usage: tapegrad eval [options]\n\nScores a checkpoint.\n\noptions:\n  --split <test|train>  split (default test)…'
 */
export function usage(cmd: string, summary: string, specs: Record<string, FlagSpec>): string {
  const rows = Object.entries(specs).map(([flag, spec]) => {
    const type = Array.isArray(spec.type) ? spec.type.join('|') : spec.type;
    const def =
      spec.default !== undefined
        ? ` (default ${Array.isArray(spec.default) ? spec.default.join(',') : spec.default})`
        : '';
    const req = spec.required ? ' (required)' : '';
    return [spec.type === 'switch' ? `  --${flag}` : `  --${flag} <${type}>`, `${spec.help}${def}${req}`];
  });
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  return [
    `usage: ${cmd} [options]`,
    '',
    summary,
    '',
    'options:',
    ...rows.map(([a, b]) => a.padEnd(width) + b),
    '  --help'.padEnd(width) + 'show this help',
  ].join('\n');
}
