// `scripts/podman-service`: makes sure a Docker Engine API answers for the docker provider. With a
// Docker socket (or DOCKER_HOST) it does nothing; else it starts Podman's service (idempotent).
import { existsSync } from 'node:fs';
import { DockerSocket, PodmanServiceSocket } from './docker-host.ts';
import { ensurePodmanService } from './podman-service.ts';

const usage = 'usage: scripts/podman-service [SOCKET_PATH]   (an absolute path; default /run/bronze/podman.sock)\n';
const arg = process.argv[2];
const host = process.env['DOCKER_HOST'];
if (arg === '--help' || arg === '-h') {
  process.stdout.write(usage);
} else if (arg !== undefined && (!arg.startsWith('/') || process.argv.length > 3)) {
  process.stderr.write(`podman-service: ${JSON.stringify(arg)} is not an absolute socket path\n${usage}`);
  process.exitCode = 2;
} else if (host !== undefined && host !== '') {
  process.stdout.write(`podman-service: DOCKER_HOST=${host} is set: nothing to start\n`);
} else if (existsSync(DockerSocket)) {
  process.stdout.write(`podman-service: a Docker socket exists at ${DockerSocket}: nothing to start\n`);
} else {
  try {
    const result = await ensurePodmanService({ socketPath: arg ?? PodmanServiceSocket });
    process.stdout.write(`podman-service: ${result.message}\n`);
  } catch (err) {
    process.stderr.write(`podman-service: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
