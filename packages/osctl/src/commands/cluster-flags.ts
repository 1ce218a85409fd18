import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { isProvisionError, processProvisioner, stateRoot, type Provisioner } from '@bronze/provision';
import { UsageError, type Io } from '../io.ts';

export const DefaultClusterName = 'bronze-default';

export interface ClusterFlags {
  name: string;
  state?: string;
  provisioner: string;
}

/** The provisioner for --provisioner and --state (default ~/.bronze/clusters). */
export function provisionerOf(flags: ClusterFlags, io: Io): Provisioner {
  if (flags.provisioner !== 'process') {
    throw new UsageError(
      `provisioner ${JSON.stringify(flags.provisioner)} is not available: this build has "process" (docker and qemu come later)`,
    );
  }
  const root = stateRoot(
    flags.state === undefined ? undefined : resolve(io.cwd, flags.state),
    io.env['HOME'] ?? homedir(),
  );
  return processProvisioner({ stateRoot: root, env: io.env });
}

/** Invalid requests (name, counts, patches) are usage errors: exit 2. */
export async function asUsage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isProvisionError(err, 'invalid')) throw new UsageError(err.message + causeOf(err));
    throw err;
  }
}

function causeOf(err: Error): string {
  return err.cause instanceof Error ? `: ${err.cause.message}` : '';
}
