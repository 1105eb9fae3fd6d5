/**
 * `npm run bench -- --base <checkout>`: a second tapegrad peer from another checkout of this
 * repository (where `npm install` has built it) — that checkout's own bench/peer-tapegrad.ts over
 * its own @tapegrad/core — taking turns with this checkout's in B, C and A. A change is then
 * measured side by side against the code before it, in one run, as "this ÷ base" ratios. For
 * example, against the branch point:
 *
 *   git worktree add /tmp/base <commit> && (cd /tmp/base && npm install)
 *   npm run bench -- --base /tmp/base --tapegrad-only
 */
import * as fs from 'fs';
import * as path from 'path';
import { Peer } from './peer';

/**
 * The checkout named by `--base <dir>` (or TAPEGRAD_BENCH_BASE), or null; an error when it has
 * no bench peer.
 *
 * @example
 * baseCheckout(['node', 'run.ts', '--base', '/tmp/base'], {}); // '/tmp/base'
 */
export function baseCheckout(argv: readonly string[], env: Record<string, string | undefined>): string | null {
  const i = argv.indexOf('--base');
  const dir = i >= 0 ? argv[i + 1] : env.TAPEGRAD_BENCH_BASE || null;
  if (dir === null) return null;
  if (dir === undefined || !fs.existsSync(path.join(dir, 'bench', 'peer-tapegrad.ts'))) {
    throw new Error(`--base must name a checkout of tapegrad with bench/peer-tapegrad.ts, got ${dir ?? 'nothing'}`);
  }
  return path.resolve(dir);
}

/** Starts the base checkout's tapegrad peer (as bench/run.ts starts this one's). */
export function startBasePeer(dir: string, warmup: number): ReturnType<typeof Peer.node> {
  return Peer.node('tapegrad@base', 'peer-tapegrad.ts', [], { warmup }, {}, path.join(dir, 'bench'));
}
