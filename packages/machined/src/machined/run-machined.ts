// The machined entry: builds the platform and the daemon, starts it, and shuts it down gracefully on
// SIGTERM or SIGINT (the shutdown sequence, services stopped, socket removed, exit 0).
import { createLogger } from '../log/logger.ts';
import { containerPlatform } from '../platform/container-platform.ts';
import { processPlatform } from '../platform/process-platform.ts';
import { parseNodeArgs } from './args.ts';
import { Machined } from './daemon.ts';
import { trustdRequester } from './trustd-client.ts';

export async function runMachined(argv: readonly string[]): Promise<number> {
  const args = parseNodeArgs('machined', argv);
  // The logger exists before the daemon; its lines reach the daemon's log ring once it does.
  const own: { machined?: Machined } = {};
  const sink = {
    write(text: string): void {
      process.stderr.write(text);
      own.machined?.writeOwnLog(text);
    },
  };
  const logger = createLogger({ sink, fields: { component: 'machined' } });
  const platform =
    args.platform === 'container'
      ? containerPlatform({ root: args.stateDir, address: args.address })
      : processPlatform({ stateDir: args.stateDir, address: args.address });
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
  own.machined = machined;
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await machined.start();
  await machined.done;
  return 0;
}
