/**
 * Bundles a page of the browser tests or bench with esbuild, as a user's bundler would: the
 * `browser` condition of tapegrad's package.json files picks the ESM build (dist/esm) and its
 * browser platform files. The packages' own tsconfig.json files map the `#…` imports to their
 * Node.js sources for the type check; a bundler applies such `paths` to the files next to them,
 * so the bundle is made with an empty tsconfig (an installed package ships no tsconfig.json, so
 * users never meet this; test/pack/run.ts bundles the installed packages with the plain CLI).
 */
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';

export const ROOT = path.join(__dirname, '..', '..');

/** Node.js's built-in modules, as a bundle would import them. */
const NODE_BUILTINS = new Set(builtinModules);

/**
 * Bundles `entry` to `outfile` (ESM, for browsers) and returns esbuild's metafile.
 *
 * @example
 * await bundlePage('test/browser/pages/kernels.ts', '/tmp/out/kernels.js');
 */
export async function bundlePage(entry: string, outfile: string): Promise<Metafile> {
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: ROOT,
    tsconfigRaw: '{}',
  });
  return result.metafile;
}

/**
 * The Node.js built-ins a bundle imports or contains (by its metafile's inputs and imports).
 *
 * @example
 * nodeBuiltinsIn(meta); // [] for a browser bundle of tapegrad
 */
export function nodeBuiltinsIn(meta: Metafile): string[] {
  const found = new Set<string>();
  for (const [file, input] of Object.entries(meta.inputs)) {
    if (file.startsWith('node:') || file.startsWith('(disabled)')) found.add(file);
    for (const imp of input.imports) {
      const name = imp.path.replace(/^node:/, '').split('/')[0];
      if (imp.path.startsWith('node:') || (imp.external && NODE_BUILTINS.has(name))) found.add(imp.path);
    }
  }
  return [...found];
}
