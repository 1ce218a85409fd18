// trustd's process entry (main.ts dispatches `trustd ...` here): parses --state-dir/--address (and
// --config, the control-plane config to read the OS CA from until machined publishes it), logs JSON
// lines to stderr, and stops gracefully on SIGTERM or SIGINT (exit 0).
import { createLogger } from '../log/logger.ts';
import { parseNodeArgs } from '../machined/args.ts';
import { runTrustd } from './run-trustd.ts';

export async function trustdMain(argv: readonly string[]): Promise<number> {
  const args = parseNodeArgs('trustd', argv);
  const logger = createLogger({ sink: process.stderr, fields: { component: 'trustd' } });
  const controller = new AbortController();
  const onSignal = (sig: string): void => {
    logger.info('shutting down', { signal: sig });
    controller.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await runTrustd({
    stateDir: args.stateDir,
    address: args.address,
    signal: controller.signal,
    logger,
    ...(args.configFile === undefined ? {} : { configPath: args.configFile }),
  });
  return 0;
}
