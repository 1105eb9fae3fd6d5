import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The package's `helpers/` folder: a sibling of both `src/` and `dist/`. */
const HELPERS = path.join(__dirname, '..', 'helpers');

/**
 * Runs one of the package's `helpers/*.mjs` scripts in a child Node process with `input` on
 * stdin and returns its stdout. The helpers load ESM-only packages (vega, Graphviz), which
 * CommonJS code under ts-node or jest cannot `import()` directly; a child process works everywhere.
 *
 * @example
 * const svg = runHelper('render-dot.mjs', 'digraph { a -> b }', 'dotToSvg');
 */
export function runHelper(script: string, input: string, who: string): string {
  const result = spawnSync(process.execPath, [path.join(HELPERS, script)], {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${who}: could not start node: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${who}: ${script} failed (exit ${result.status}): ${result.stderr.trim()}`);
  return result.stdout;
}
