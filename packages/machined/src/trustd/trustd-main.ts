// trustd's process entry (main.ts dispatches `trustd ...` here). --config names the control-plane
// config to read the OS CA from until machined publishes it.
import { daemonEntry } from '../machined/daemon-entry.ts';
import { runTrustd } from './run-trustd.ts';

export function trustdMain(argv: readonly string[]): Promise<number> {
  return daemonEntry('trustd', argv, (args, { signal, logger }) =>
    runTrustd({
      stateDir: args.stateDir,
      address: args.address,
      signal,
      logger,
      ...(args.configFile === undefined ? {} : { configPath: args.configFile }),
    }),
  );
}
