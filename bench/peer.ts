/**
 * Each implementation of `npm run bench` runs in a child process of its own that stays up for
 * the whole bench — tapegrad (bench/peer-tapegrad.ts), each TensorFlow.js backend
 * (bench/peer-tfjs.ts) and NumPy (bench/numpy_peer.py) — so their runs can take turns in time
 * without sharing a heap or a garbage collector: one JSON command a line on the child's stdin,
 * one JSON answer a line on its stdout. A child waiting for its next command uses no CPU.
 *
 * `serve` is the child's side, for the Node peers.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'child_process';
import * as path from 'path';
import * as readline from 'readline';

export class Peer {
  private readonly answers: ((line: string | null) => void)[] = [];
  private stderr = '';
  private closed = false;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    readline.createInterface({ input: child.stdout }).on('line', (line) => this.answers.shift()?.(line));
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.stdin.on('error', () => undefined); // a child that never started: reported through 'error'
    const end = (): void => {
      this.closed = true;
      for (const answer of this.answers.splice(0)) answer(null);
    };
    child.on('exit', end);
    child.on('error', (e) => {
      this.stderr += e.message;
      end();
    });
  }

  /**
   * Starts `command args` and sends it `{ cmd: 'init', ...init }`; resolves to the peer and its
   * answer to init, or to why it cannot run (no python3, no numpy, a failed init).
   */
  static async start(
    name: string,
    command: string,
    args: string[],
    env: Record<string, string>,
    init: object,
  ): Promise<{ peer: Peer; info: Record<string, unknown> } | string> {
    const child = spawn(command, args, { env: { ...process.env, ...env } });
    const peer = new Peer(name, child);
    try {
      return { peer, info: await peer.call({ cmd: 'init', ...init }) };
    } catch (e) {
      peer.close();
      return `${name} skipped: ${(e as Error).message}`;
    }
  }

  /**
   * Starts a TypeScript peer of the bench folder `dir` (default this one; another checkout's for
   * `--base`) under ts-node, with `env` added to the environment.
   */
  static node(
    name: string,
    file: string,
    args: string[],
    init: object,
    env: Record<string, string> = {},
    dir = __dirname,
  ) {
    return Peer.start(
      name,
      process.execPath,
      ['-r', require.resolve('ts-node/register'), path.join(dir, file), ...args],
      { TS_NODE_PROJECT: path.join(dir, 'tsconfig.json'), ...env },
      init,
    );
  }

  /** Sends one command and waits for its answer; rejects with the peer's error. */
  call(cmd: object): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const fail = (why: string): void => reject(new Error(why));
      if (this.closed) return fail(this.why());
      this.answers.push((line) => {
        if (line === null) return fail(this.why());
        const out = JSON.parse(line) as Record<string, unknown>;
        if (typeof out.error === 'string') fail(out.error);
        else resolve(out);
      });
      this.child.stdin.write(JSON.stringify(cmd) + '\n');
    });
  }

  /** The `seconds` a command answers with. */
  async seconds(cmd: object): Promise<number> {
    return (await this.call(cmd)).seconds as number;
  }

  close(): void {
    this.child.stdin.end();
  }

  private why(): string {
    return this.stderr.trim().split('\n').pop() || `${this.name} exited`;
  }
}

/**
 * The child's side: answers each JSON command line on stdin with `handle(cmd)` as one JSON line
 * on stdout (an error as `{ error }`), until stdin closes. Anything else the child prints goes to
 * stderr, so it cannot break the protocol.
 */
export function serve(handle: (cmd: Record<string, unknown>) => object | Promise<object>): void {
  const write = process.stdout.write.bind(process.stdout);
  console.log = console.info = console.warn = (...xs: unknown[]) => console.error(...xs);
  const lines = readline.createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    if (!line.trim()) return;
    queue = queue.then(async () => {
      let out: object;
      try {
        out = await handle(JSON.parse(line) as Record<string, unknown>);
      } catch (e) {
        out = { error: `${(e as Error).name}: ${(e as Error).message}` };
      }
      write(JSON.stringify(out) + '\n');
    });
  });
  lines.on('close', () => void queue.then(() => process.exit(0)));
}
