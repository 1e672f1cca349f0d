// Ctrl-C (SIGINT) and SIGTERM (what `kill`, systemd and container runtimes send) stop a run the
// same way: the handler cancels it, the run rolls back its current statements and the summary is
// printed. A second signal gets Node's default and ends the process at once.
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Calls `onStop` with the signal's name on the first stop signal; returns the function that stops listening. */
export function onStopSignal(onStop: (signal: NodeJS.Signals) => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    off();
    onStop(signal);
  };
  const off = () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return off;
}
