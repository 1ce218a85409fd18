// apid's process entry (main.ts dispatches `apid ...` here): parses --state-dir/--address, logs JSON
// lines to stderr, and stops gracefully on SIGTERM or SIGINT (exit 0).
import { createLogger } from '../log/logger.ts';
import { parseNodeArgs } from '../machined/args.ts';
import { runApid } from './run-apid.ts';

export async function apidMain(argv: readonly string[]): Promise<number> {
  const args = parseNodeArgs('apid', argv);
  const logger = createLogger({ sink: process.stderr, fields: { component: 'apid' } });
  const controller = new AbortController();
  const onSignal = (sig: string): void => {
    logger.info('shutting down', { signal: sig });
    controller.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await runApid({ stateDir: args.stateDir, address: args.address, signal: controller.signal, logger });
  return 0;
}
