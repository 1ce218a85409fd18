// The command line of machined, apid and trustd (docs/NODE.md).
import { parseArgs } from 'node:util';
import { firstAddress } from '../platform/container-platform.ts';

export interface NodeArgs {
  platform: 'process' | 'container';
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
  const platform = values.platform;
  if (platform !== 'process' && platform !== 'container') {
    throw new UsageError(`${role}: platform "${platform}" is not supported yet; use --platform process or container`);
  }
  // The container platform is rooted at / and finds its own address; the process platform is told both.
  const stateDir = values['state-dir'] ?? (platform === 'container' ? '/' : undefined);
  const address = values.address ?? (platform === 'container' ? firstAddress() : undefined);
  if (stateDir === undefined || address === undefined) {
    throw new UsageError(
      `${role}: --state-dir DIR and --address IP are required (e.g. --state-dir /tmp/n1 --address 127.0.1.2)`,
    );
  }
  return { platform, stateDir, address, configFile: values.config };
}
