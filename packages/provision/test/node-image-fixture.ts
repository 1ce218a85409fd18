// The docker e2e tests' engine and node image: an engine must answer (else the suites skip, naming
// the fix), and the node image in it must be the current build. The image comes from
// scripts/node-image.ts, run as a program: package tests may not import the imager or the scripts,
// and that script builds through the imager's cache and loads only a missing or older image.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { resolveDockerHost } from '../src/docker/docker-host.ts';
import { engineClient, type EngineClient } from '../src/docker/engine-client.ts';

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..', '..', '..');

export interface NodeImageTarget {
  engine: EngineClient;
  /** The loaded node image's name. */
  image: string;
  /** Why the suite cannot run here, or false. */
  skip: string | false;
}

/**
 * The engine named by DOCKER_HOST (else Docker's socket, else /run/bronze/podman.sock) with the
 * current node image loaded. No engine: a skip reason. An image that cannot be built: throws, so the
 * test file fails with the build's error rather than skipping quietly.
 */
export async function nodeImageTarget(): Promise<NodeImageTarget> {
  const engine = engineClient(resolveDockerHost());
  if ((await engine.ping().catch(() => '')) !== 'OK') {
    return {
      engine,
      image: '',
      skip: `no container engine answers on ${engine.socketPath}: start one with scripts/podman-service (or set DOCKER_HOST=unix:///path/to/docker.sock)`,
    };
  }
  try {
    const { stdout } = await run(
      process.execPath,
      [`${repoRoot}/scripts/node-image.ts`, '--socket', engine.socketPath],
      { cwd: repoRoot, timeout: 20 * 60_000, maxBuffer: 16 << 20 },
    );
    const image = stdout.trim().split(' ')[0] ?? '';
    return { engine, image, skip: false };
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`scripts/node-image.ts could not build or load the node image:\n${stderr.slice(-4000)}`, {
      cause: err,
    });
  }
}
