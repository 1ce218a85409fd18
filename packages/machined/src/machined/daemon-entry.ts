// The process entry apid and trustd share (main.ts dispatches `apid ...` and `trustd ...` here):
// parse --state-dir/--address, log JSON lines to stderr, and stop gracefully on SIGTERM or SIGINT.
import { createLogger, type Logger } from '../log/logger.ts';
import { parseNodeArgs, type NodeArgs } from './args.ts';

export interface DaemonContext {
  signal: AbortSignal;
  logger: Logger;
}

/** Runs `run` until it returns (it returns once the signal it is given aborts); exit code 0. */
export async function daemonEntry(
  role: 'apid' | 'trustd',
  argv: readonly string[],
  run: (args: NodeArgs, ctx: DaemonContext) => Promise<void>,
): Promise<number> {
  const args = parseNodeArgs(role, argv);
  const logger = createLogger({ sink: process.stderr, fields: { component: role } });
  const controller = new AbortController();
  const onSignal = (sig: string): void => {
    logger.info('shutting down', { signal: sig });
    controller.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await run(args, { signal: controller.signal, logger });
  return 0;
}

/** Waits until `signal` aborts (at once if it has), then stops the daemon. */
export async function serveUntilAborted(daemon: { stop(): Promise<void> }, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    signal.addEventListener(
      'abort',
      () => {
        resolve();
      },
      { once: true },
    );
  });
  await daemon.stop();
}
