import type { ServerLogEntry } from './options.js';

const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** Something that can be closed gracefully. */
interface Closable {
  close(): Promise<void>;
}

/**
 * Closes `server` gracefully on the first SIGINT or SIGTERM. A second signal while closing
 * gives up waiting: the handlers are removed and the signal is raised again, so the process
 * ends as Node would by default. Returns a function that removes the handlers.
 */
export function installSignalHandlers(server: Closable, log: (entry: ServerLogEntry) => void): () => void {
  let closing = false;
  const remove = (): void => {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (closing) {
      log({ level: 'warn', event: 'signal', message: `${signal} again: exiting without waiting`, details: { signal } });
      remove();
      process.kill(process.pid, signal);
      return;
    }
    closing = true;
    log({ level: 'info', event: 'signal', message: `${signal}: closing gracefully (send it again to exit at once)`, details: { signal } });
    void server.close();
  }
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return remove;
}
