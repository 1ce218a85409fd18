import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DefaultNodeImage,
  DockerClusterFile,
  dockerProvisioner,
  isProvisionError,
  processProvisioner,
  resolveDockerHost,
  stateRoot,
  type Provisioner,
} from '@bronze/provision';
import { UsageError, type Io } from '../io.ts';

export const DefaultClusterName = 'bronze-default';

export interface ClusterFlags {
  name: string;
  state?: string;
  /** Unset on show and destroy: the provisioner that made the cluster is found from its state. */
  provisioner?: string;
  /** docker only: --docker-host, --image, --cidr, --cpus, --memory (MiB). */
  dockerHost?: string;
  image?: string;
  cidr?: string;
  cpus?: string;
  memory?: string;
}

/** The provisioner for --provisioner and --state (default ~/.bronze/clusters). */
export function provisionerOf(flags: ClusterFlags, io: Io): Provisioner {
  const root = stateRoot(
    flags.state === undefined ? undefined : resolve(io.cwd, flags.state),
    io.env['HOME'] ?? homedir(),
  );
  const name = flags.provisioner ?? (existsSync(join(root, flags.name, DockerClusterFile)) ? 'docker' : 'process');
  if (name !== 'process' && name !== 'docker') {
    throw new UsageError(
      `provisioner ${JSON.stringify(name)} is not available: this build has "process" and "docker" (qemu comes later)`,
    );
  }
  if (name === 'docker') return dockerOf(flags, root, io);
  return processProvisioner({ stateRoot: root, env: io.env });
}

function dockerOf(flags: ClusterFlags, root: string, io: Io): Provisioner {
  const cpus = flags.cpus === undefined ? undefined : Number(flags.cpus);
  if (cpus !== undefined && !(cpus > 0))
    throw new UsageError(`--cpus ${flags.cpus} is not a number of CPUs like 2 or 0.5`);
  if (flags.memory !== undefined && !/^[1-9]\d*$/.test(flags.memory))
    throw new UsageError(`--memory ${flags.memory} is not a whole number of MiB like 2048`);
  let socketPath: string;
  try {
    socketPath = resolveDockerHost({ flag: flags.dockerHost, env: io.env });
  } catch (err) {
    if (isProvisionError(err, 'invalid')) throw new UsageError(err.message);
    throw err;
  }
  return dockerProvisioner({
    stateRoot: root,
    socketPath,
    image: flags.image ?? DefaultNodeImage,
    ...(flags.cidr === undefined ? {} : { cidr: flags.cidr }),
    ...(cpus === undefined ? {} : { cpus }),
    ...(flags.memory === undefined ? {} : { memoryBytes: Number(flags.memory) * 1024 * 1024 }),
  });
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
