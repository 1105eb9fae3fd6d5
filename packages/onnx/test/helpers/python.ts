import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Debian's python, which has torch, numpy and onnx (the python3 first on PATH may not). */
export const PYTHON = process.env.TAPEGRAD_PYTHON ?? '/usr/bin/python3';
/** The scripts the interop tests run. */
export const SCRIPTS = path.join(__dirname, '..', 'python');

/**
 * Whether `PYTHON` can import `modules`. Where it cannot, the tests that need them skip with the
 * printed reason — except under TAPEGRAD_REQUIRE_PYTHON=1 (set by `.ci/run`), where that is a
 * failure, so CI never skips them silently.
 *
 * @example
 * const torch = pythonWith(['torch', 'numpy']);
 * (torch.ok ? test : test.skip)('PyTorch loads the checkpoint', () => { … });
 */
export function pythonWith(modules: readonly string[]): { ok: boolean; reason: string } {
  const r = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  const ok = r.status === 0;
  const reason = ok
    ? ''
    : `${PYTHON} cannot import ${modules.join(', ')}: ${(r.error?.message ?? r.stderr).trim().split('\n').pop()}`;
  if (!ok && process.env.TAPEGRAD_REQUIRE_PYTHON === '1') {
    throw new Error(
      `TAPEGRAD_REQUIRE_PYTHON=1 but ${reason} (apt-get install python3-torch python3-numpy python3-onnx)`,
    );
  }
  if (!ok) console.warn(`skipping tests that need Python: ${reason}`);
  return { ok, reason };
}

/**
 * Runs one of the scripts in `test/python` and returns its stdout; a non-zero exit throws with
 * its stderr.
 *
 * @example
 * const report = JSON.parse(runPython('check_onnx.py', [file]));
 */
export function runPython(script: string, args: readonly string[]): string {
  const r = spawnSync(PYTHON, [path.join(SCRIPTS, script), ...args], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status ?? r.error?.message}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/**
 * Runs ONNX's checker (`onnx.checker.check_model(full_check=True)`, in one Python process) on
 * named models; returns `name: problem` for each model that fails it.
 *
 * @example
 * expect(checkOnnx([['mlp', bytes]])).toEqual([]);
 */
export function checkOnnx(models: readonly (readonly [string, Uint8Array])[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-onnx-check-'));
  try {
    const files = models.map(([, bytes], i) => {
      const file = path.join(dir, `model-${i}.onnx`);
      fs.writeFileSync(file, bytes);
      return file;
    });
    const { report } = JSON.parse(runPython('check_onnx.py', files)) as { report: Record<string, string> };
    return files.flatMap((f, i) => (report[f] === 'ok' ? [] : [`${models[i][0]}: ${report[f]}`]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
