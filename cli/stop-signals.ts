/** SIGINT and SIGTERM: the signals a long-running command (`serve`, `worker`) treats as "stop cleanly". */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/**
 * Stop requests watched from the start of the process (cli/bin.js holds signals from its first line and
 * hands them over here before loading the commands), so a `serve` or `worker` stopped while it is still loading or starting closes cleanly and exits
 * 0 instead of being killed by the signal. Every other command gives the signals back to Node at once
 * ({@link StopSignals.release}), keeping the default: the process ends by the signal (Ctrl+C → 130).
 */
export interface StopSignals {
  /**
   * The command handles stop requests itself: returns a signal aborted (reason: the signal's name) on
   * SIGINT/SIGTERM, already aborted when one arrived before. Call {@link release} once the command closed.
   */
  claim(): AbortSignal;
  /**
   * Removes the handlers (Node's default again). A signal that arrived while nobody had claimed it is
   * raised again now, so the process ends by it as it would have without this watch. Idempotent.
   */
  release(): void;
}

/**
 * Installs SIGINT/SIGTERM handlers that hold stop requests until a command claims or releases them.
 * @param pending a signal that already arrived (cli/bin.js holds them while tsx loads).
 */
export function watchStopSignals(pending?: NodeJS.Signals): StopSignals {
  const controller = new AbortController();
  let claimed = false;
  let released = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (claimed) controller.abort(signal);
    else pending ??= signal;
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    claim() {
      claimed = true;
      if (pending !== undefined) controller.abort(pending);
      return controller.signal;
    },
    release() {
      if (released) return;
      released = true;
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      if (!claimed && pending !== undefined) process.kill(process.pid, pending);
    },
  };
}

/** Resolves once `signal` aborts (at once when it already has). */
export function whenAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
