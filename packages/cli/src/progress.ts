import { SingleBar, Presets } from 'cli-progress';

/** A per-epoch progress display: a live bar on a terminal, a few plain lines otherwise. */
export interface Progress {
  update(done: number, values: { loss: number; acc: number }): void;
  stop(): void;
}

/**
 * Progress over `total` steps of epoch `epoch`: cli-progress's bar when stdout is a terminal
 * (and `live` is not false), otherwise a line at every quarter, or nothing when `quiet`.
 *
 * @example
 * const p = epochProgress(1, 5, 600, console.log); p.update(300, { loss: 0.3, acc: 0.91 }); p.stop();
 */
export function epochProgress(
  epoch: number,
  epochs: number,
  total: number,
  log: (line: string) => void,
  options: { live?: boolean; quiet?: boolean } = {},
): Progress {
  if (options.quiet) return { update: () => {}, stop: () => {} };
  const label = `epoch ${String(epoch).padStart(String(epochs).length)}/${epochs}`;
  if ((options.live ?? true) && process.stdout.isTTY) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} batches | {duration_formatted} | loss {loss} | acc {acc}`,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 30,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { loss: '-', acc: '-' });
    return {
      update: (done, v) => bar.update(done, { loss: v.loss.toFixed(4), acc: v.acc.toFixed(4) }),
      stop: () => bar.stop(),
    };
  }
  let next = 1;
  return {
    update: (done, v) => {
      if (done >= (next * total) / 4) {
        log(`${label} | ${done}/${total} batches | loss ${v.loss.toFixed(4)} | acc ${v.acc.toFixed(4)}`);
        while (done >= (next * total) / 4) next++;
      }
    },
    stop: () => {},
  };
}
