import * as fs from 'fs';
import * as path from 'path';
import { CheckpointError } from '../errors';

/** `.<target>.<pid>.<random>.tmp`: the temporary file a save writes before renaming it. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.([a-z0-9]+)\.tmp$/;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that crashed saves left in `dir`: only those whose writer
 * process is gone and that are older than `before` (ms since the epoch), so a save still running
 * in another process is never disturbed. Returns the names removed.
 *
 * @example
 * cleanStaleTemps('runs/ckpt', Date.now()); // ['.model.safetensors.4242.k3j2h1.tmp']
 */
export function cleanStaleTemps(dir: string, before: number): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (m === null) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isAlive(pid)) continue;
    const file = path.join(dir, name);
    try {
      if (fs.statSync(file).mtimeMs >= before) continue;
      fs.rmSync(file, { force: true });
      removed.push(name);
    } catch {
      // Gone already (another saver cleaned it): nothing to do.
    }
  }
  return removed;
}

/**
 * Writes `bytes` to `file` atomically: into a temporary file in the same directory, flushed,
 * then renamed over `file`, so a crash never leaves a partial file under the real name. Stale
 * temporary files of crashed saves in that directory are removed first. Any failure is a
 * CheckpointError naming `file` (a missing directory is named as such), never a raw ENOENT
 * about the temporary file.
 *
 * @example
 * writeAtomic('save', 'ckpt/model.safetensors', bytes);
 */
export function writeAtomic(who: string, file: string, bytes: Uint8Array): void {
  const dir = path.dirname(file);
  const started = Date.now();
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new CheckpointError(`${who}: cannot write '${file}': the directory '${dir}' does not exist`, 'io');
  }
  if (!stat.isDirectory()) {
    throw new CheckpointError(`${who}: cannot write '${file}': '${dir}' is not a directory`, 'io');
  }
  cleanStaleTemps(dir, started);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    throw new CheckpointError(
      `${who}: cannot write '${file}': ${err.code ?? err.name} (${err.syscall ?? 'write'})`,
      'io',
    );
  }
}
