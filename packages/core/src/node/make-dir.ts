import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkString } from '../check';
import { TapegradError } from '../errors';

/**
 * A folder or file tapegrad could not create or write; `path` names it.
 *
 * @example
 * try { makeDir('/proc/x'); } catch (e) { if (e instanceof FileSystemError) console.error(e.path); }
 */
export class FileSystemError extends TapegradError {
  constructor(
    message: string,
    /** The folder or file the problem is about. */
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * Creates `dir` and its missing parents, one level at a time from the nearest existing ancestor.
 * `fs.mkdirSync(dir, { recursive: true })` loops forever where `mkdir` answers ENOENT although the
 * parent exists (/proc on Linux, Node 20); here every failure is a {@link FileSystemError} naming
 * the folder and the reason (a parent that is a file, no permission, a file system that refuses).
 * `fn` names the caller in the argument check.
 *
 * @example
 * makeDir('/home/me/.cache/tapegrad'); // creates .cache and .cache/tapegrad as needed
 * makeDir('/proc/x'); // FileSystemError: cannot create the folder /proc/x (ENOENT)
 */
export function makeDir(dir: string, fn = 'makeDir'): void {
  checkString(fn, 'dir', dir);
  const missing: string[] = [];
  let cur = path.resolve(dir);
  for (;;) {
    const kind = statKind(cur);
    if (kind === 'dir') break;
    if (kind === 'other') {
      throw new FileSystemError(`cannot create the folder ${dir}: ${cur} exists and is not a folder`, cur);
    }
    missing.push(cur);
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if (statKind(d) === 'dir') continue; // made meanwhile by another process
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      const which = d === path.resolve(dir) ? dir : `${d} (for ${dir})`;
      throw new FileSystemError(`cannot create the folder ${which} (${code})`, d);
    }
  }
}

function statKind(p: string): 'dir' | 'other' | 'missing' {
  try {
    return fs.statSync(p).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}
