/** A peer for bench/test/bench.test.ts: answers `{ echo }` with it, and fails on `{ fail }`. */
import { serve } from '../peer';

serve(async (cmd) => {
  if (cmd.cmd === 'init') return { ready: true };
  if (typeof cmd.fail === 'string') throw new Error(cmd.fail);
  console.log('stray output'); // must not reach the protocol
  await new Promise((r) => setTimeout(r, Number(cmd.delay ?? 0)));
  return { echo: cmd.echo, seconds: 0.25 };
});
