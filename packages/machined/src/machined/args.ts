// The command line of machined, apid and trustd (docs/NODE.md).
import { parseArgs } from 'node:util';

export interface NodeArgs {
  platform: 'process';
  stateDir: string;
  address: string;
  configFile: string | undefined;
}

export class UsageError extends Error {
  override readonly name = 'UsageError' as const;
}

export function isUsageError(err: unknown): err is UsageError {
  return err instanceof Error && err.name === 'UsageError';
}

export function parseNodeArgs(role: string, argv: readonly string[]): NodeArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        platform: { type: 'string', default: 'process' },
        'state-dir': { type: 'string' },
        address: { type: 'string' },
        config: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${role}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (values.platform !== 'process') {
    throw new UsageError(`${role}: platform "${values.platform}" is not supported yet; use --platform process`);
  }
  const stateDir = values['state-dir'];
  const address = values.address;
  if (stateDir === undefined || address === undefined) {
    throw new UsageError(
      `${role}: --state-dir DIR and --address IP are required (e.g. --state-dir /tmp/n1 --address 127.0.1.2)`,
    );
  }
  return { platform: 'process', stateDir, address, configFile: values.config };
}
