/** A progress bar for long work, on stderr and only when stderr is a terminal. */
import { SingleBar } from "cli-progress";

/** Reports files done of a total. */
export interface Progress {
  /** Moves the bar to `done` of `total`. */
  update(done: number, total: number): void;
  /** Leaves the final state on screen and ends the line. */
  stop(): void;
}

const SILENT: Progress = { update: () => undefined, stop: () => undefined };

/** A bar labelled `label` on `stream`, or a no-op when `stream` is not a terminal. */
export function createProgress(stream: NodeJS.WriteStream, label: string): Progress {
  if (!stream.isTTY) return SILENT;
  const bar = new SingleBar({
    stream,
    format: `${label} [{bar}] {percentage}% | {value}/{total} files`,
    barCompleteChar: "#",
    barIncompleteChar: "-",
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 20,
  });
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
