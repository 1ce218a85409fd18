// apid's process entry (main.ts dispatches `apid ...` here).
import { daemonEntry } from '../machined/daemon-entry.ts';
import { runApid } from './run-apid.ts';

export function apidMain(argv: readonly string[]): Promise<number> {
  return daemonEntry('apid', argv, (args, { signal, logger }) =>
    runApid({ stateDir: args.stateDir, address: args.address, signal, logger }),
  );
}
