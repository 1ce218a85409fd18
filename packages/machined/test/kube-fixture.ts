// Running the Kubernetes components built into .cache/components as plain processes on loopback, from
// the static pod manifests machined writes: their commands with the mount paths mapped to the
// hostPaths, a small HTTPS client with a kubeconfig's credentials, and a process set stopped by pid.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { DefaultEtcdPath, etcdVersion } from '../src/etcd/etcd-binary.ts';

const components = new URL('../../../.cache/components/', import.meta.url).pathname;
export const kubeBinary = (name: string): string => join(components, `${name}-v1.34.10`, name);
const missing = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']
  .map(kubeBinary)
  .filter((p) => !existsSync(p));
/** Why the tests that run the binaries cannot run here, or false. */
export const kubeSkip: string | false =
  missing.length > 0
    ? `no Kubernetes binaries (${missing.join(', ')}): build them with \`osctl image components\``
    : (await etcdVersion(DefaultEtcdPath).catch(() => undefined)) === undefined
      ? `no etcd binary at ${DefaultEtcdPath}`
      : false;

export async function freePort(host: string): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

/** Where and as whom to call: a client certificate, or a bearer token. */
export interface KubeTls {
  server: string;
  ca: string;
  cert?: string;
  key?: string;
  token?: string;
}

/** The server, CA and client certificate of a kubeconfig with embedded data. */
export function tlsOf(kubeconfigYaml: string): KubeTls {
  const kc = parse(kubeconfigYaml) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  return {
    server: kc.clusters[0]?.cluster.server ?? '',
    ca: b(kc.clusters[0]?.cluster['certificate-authority-data']),
    cert: b(kc.users[0]?.user['client-certificate-data']),
    key: b(kc.users[0]?.user['client-key-data']),
  };
}

export async function kubeCall(
  tls: KubeTls,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const url = new URL(path, tls.server);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: tls.ca,
        ...(tls.cert === undefined ? {} : { cert: tls.cert, key: tls.key }),
        headers: {
          'content-type': 'application/json',
          ...(tls.token === undefined ? {} : { authorization: `Bearer ${tls.token}` }),
        },
        signal: AbortSignal.timeout(5000),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Thrown by a check of `until` to stop waiting at once (a process exited). */
export class GiveUp extends Error {
  override readonly name = 'GiveUp';
}

export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: last });
    await sleep(250);
  }
}

export interface ManifestPod {
  metadata: { name: string };
  spec: {
    containers: { command: string[]; volumeMounts: { name: string; mountPath: string }[] }[];
    volumes: { name: string; hostPath: { path: string } }[];
  };
}

/** The container's arguments with every mounted path moved to its hostPath, as the mounts say. */
export function commandOf(pod: ManifestPod): string[] {
  const container = pod.spec.containers[0];
  assert.ok(container !== undefined);
  const hostPaths = new Map(pod.spec.volumes.map((v) => [v.name, v.hostPath.path]));
  return container.command
    .slice(1)
    .map((arg) =>
      container.volumeMounts.reduce((a, m) => a.split(m.mountPath).join(hostPaths.get(m.name) ?? m.mountPath), arg),
    );
}

/** The manifests of the three control-plane pods in `dir`, parsed. */
export async function readControlPlaneManifests(dir: string): Promise<Record<string, ManifestPod>> {
  const names = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
  const pods = await Promise.all(
    names.map(async (n) => parse(await readFile(join(dir, `${n}.yaml`), 'utf8')) as ManifestPod),
  );
  return Object.fromEntries(pods.map((p) => [p.metadata.name, p]));
}

/** Component processes started from manifests (logs in `logDir`), stopped by pid: SIGTERM, then SIGKILL. */
export class ComponentProcesses {
  readonly #logDir: string;
  readonly #procs: ChildProcess[] = [];

  constructor(logDir: string) {
    this.#logDir = logDir;
  }

  start(pod: ManifestPod): ChildProcess {
    const log = createWriteStream(join(this.#logDir, `${pod.metadata.name}.log`));
    const p = spawn(kubeBinary(pod.metadata.name), commandOf(pod), { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.pipe(log);
    p.stderr.pipe(log);
    this.#procs.push(p);
    return p;
  }

  /** The last lines a component logged, for a failure message. */
  async logTail(name: string, lines = 25): Promise<string> {
    const text = await readFile(join(this.#logDir, `${name}.log`), 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  async stop(): Promise<void> {
    for (const p of this.#procs.reverse()) {
      if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) continue;
      const exited = once(p, 'exit').then(() => true);
      process.kill(p.pid, 'SIGTERM');
      if (!(await Promise.race([exited, sleep(5000).then(() => false)]))) process.kill(p.pid, 'SIGKILL');
    }
  }
}
