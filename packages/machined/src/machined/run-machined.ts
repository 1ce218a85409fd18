// The machined entry: builds the platform and the daemon, starts it, and shuts it down gracefully on
// SIGTERM or SIGINT (the shutdown sequence, services stopped, socket removed, exit 0).
import { createLogger } from '../log/logger.ts';
import { processPlatform } from '../platform/process-platform.ts';
import { parseNodeArgs } from './args.ts';
import { Machined } from './daemon.ts';
import { trustdRequester } from './trustd-client.ts';

export async function runMachined(argv: readonly string[]): Promise<number> {
  const args = parseNodeArgs('machined', argv);
  const logger = createLogger({ sink: process.stderr, fields: { component: 'machined' } });
  const platform = processPlatform({ stateDir: args.stateDir, address: args.address });
  const machined = new Machined({
    platform,
    logger,
    ...(args.configFile === undefined ? {} : { configFile: args.configFile }),
    requestCertificate: trustdRequester(),
  });
  const onSignal = (sig: string): void => {
    logger.info('shutting down', { signal: sig });
    void machined.stop();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await machined.start();
  await machined.done;
  return 0;
}
