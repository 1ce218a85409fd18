// Which engine socket to talk to: --docker-host, else $DOCKER_HOST, else Docker's socket, else the
// Podman service socket (scripts/podman-service starts it). Only unix:// sockets are supported.
import { existsSync } from 'node:fs';
import { ProvisionError, ProvisionErrorCode } from '../provision-error.ts';

export const DockerSocket = '/var/run/docker.sock';
export const PodmanServiceSocket = '/run/bronze/podman.sock';

export interface DockerHostOptions {
  /** The --docker-host flag. */
  flag?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** For tests: which paths exist. */
  exists?: (path: string) => boolean;
}

/** The socket path to use; throws ProvisionError(invalid) for a host that is not unix://. */
export function resolveDockerHost(options: DockerHostOptions = {}): string {
  const env = options.env ?? process.env;
  const given = nonEmpty(options.flag) ?? nonEmpty(env['DOCKER_HOST']);
  if (given !== undefined) return socketOf(given, options.flag !== undefined ? '--docker-host' : 'DOCKER_HOST');
  const exists = options.exists ?? existsSync;
  if (exists(DockerSocket)) return DockerSocket;
  return PodmanServiceSocket;
}

function socketOf(host: string, source: string): string {
  if (host.startsWith('unix://') && host.length > 'unix://'.length) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw new ProvisionError(
    ProvisionErrorCode.invalid,
    `${source} ${JSON.stringify(host)} is not a unix socket: give unix:///path/to/docker.sock (tcp:// and ssh:// are not supported)`,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
