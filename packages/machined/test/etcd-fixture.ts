// Real etcd members for integration tests: each on its own loopback address (127.0.x.y, the
// process platform's layout) with its own root directory, PKI from one etcd CA, and the command line
// from etcdCommand. Every process is stopped by pid in the test's cleanup.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSelfSignedCa, encodeCertificateAndKey } from '@bronze/machinery';
import { createLogger, nullLogger } from '../src/log/logger.ts';
import { DefaultEtcdPath } from '../src/etcd/etcd-binary.ts';
import { openEtcdClient, type EtcdClient } from '../src/etcd/etcd-client.ts';
import { etcdPaths, etcdPkiFiles, type EtcdPaths } from '../src/etcd/etcd-paths.ts';
import { issueEtcdPki, writeEtcdPki, type EtcdPemPair } from '../src/etcd/etcd-pki.ts';
import { clientUrlOf, etcdCommand, peerUrlOf, type EtcdLaunch } from '../src/etcd/etcd-spec.ts';

/** Silent unless ETCD_TEST_LOG=1, then logfmt on stderr. */
export const logger =
  process.env['ETCD_TEST_LOG'] === '1'
    ? createLogger({ sink: { write: (l) => process.stderr.write(`${l}\n`) }, level: 'debug', format: 'logfmt' })
    : nullLogger();

export async function newEtcdCa(): Promise<EtcdPemPair> {
  return encodeCertificateAndKey(await createSelfSignedCa({ algorithm: 'ecdsa-p256', organizations: ['etcd'] }));
}

/** A third octet for this run, so that parallel test files do not share addresses. */
export function loopbackSubnet(): string {
  return `127.0.${String(100 + ((process.pid * 7 + Date.now()) % 150))}`;
}

// Every etcd this process started and has not stopped: killed when the process exits, even when a
// test run is cut short before its cleanup.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export class EtcdNode {
  readonly name: string;
  readonly address: string;
  readonly root: string;
  readonly paths: EtcdPaths;
  /** The etcd program: DefaultEtcdPath (the host's) unless the test names another. */
  readonly binary: string;
  proc: ChildProcess | undefined;
  #clients: EtcdClient[] = [];

  constructor(name: string, address: string, root: string, binary = DefaultEtcdPath) {
    this.name = name;
    this.address = address;
    this.root = root;
    this.paths = etcdPaths(root);
    this.binary = binary;
  }

  static async create(ca: EtcdPemPair, options: { name: string; address: string; binary?: string }): Promise<EtcdNode> {
    const root = await mkdtemp(join(tmpdir(), `bronze-etcd-${options.name}-`));
    const node = new EtcdNode(options.name, options.address, root, options.binary);
    const pki = await issueEtcdPki(ca, { hostname: options.name, addresses: [options.address] });
    await writeEtcdPki(node.paths.pkiDir, pki);
    await mkdir(join(root, 'var/lib'), { recursive: true });
    return node;
  }

  get peerUrl(): string {
    return peerUrlOf(this.address);
  }

  get clientUrl(): string {
    return clientUrlOf(this.address);
  }

  /** A client with the admin certificate; closed with the node. */
  client(endpoint = this.clientUrl): EtcdClient {
    const f = etcdPkiFiles(this.paths.pkiDir);
    const c = openEtcdClient(endpoint, {
      tls: { ca: readFileSync(f.ca), cert: readFileSync(f.adminCert), key: readFileSync(f.adminKey) },
      callTimeoutMs: 5000,
    });
    this.#clients.push(c);
    return c;
  }

  /** Spawns etcd with `launch` and waits until the member answers Status. */
  async start(launch: EtcdLaunch, signal?: AbortSignal): Promise<void> {
    const cmd = etcdCommand({
      binary: this.binary,
      name: this.name,
      address: this.address,
      dataDir: this.paths.dataDir,
      pkiDir: this.paths.pkiDir,
      launch,
      listenLocalhost: false,
      extraArgs: { 'heartbeat-interval': '50', 'election-timeout': '500' },
    });
    const log = createWriteStream(join(this.root, 'etcd.log'), { flags: 'a' });
    const proc = spawn(cmd.command, cmd.args, { cwd: cmd.cwd, env: cmd.env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.pipe(log);
    proc.stderr.pipe(log);
    this.proc = proc;
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    await this.waitReady(signal);
  }

  async waitReady(signal?: AbortSignal, timeoutMs = 20_000): Promise<void> {
    const client = this.client();
    const until = Date.now() + timeoutMs;
    for (;;) {
      signal?.throwIfAborted();
      if (this.proc?.exitCode !== null) throw new Error(`etcd ${this.name} exited; see ${this.root}/etcd.log`);
      try {
        await client.status({ signal: AbortSignal.timeout(1000) });
        return;
      } catch (err) {
        if (Date.now() > until)
          throw new Error(`etcd ${this.name} not ready; see ${this.root}/etcd.log`, { cause: err });
      }
      await sleep(100);
    }
  }

  /** SIGKILL (as a crash) and wait for the exit. */
  async kill(sig: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (proc?.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = once(proc, 'exit');
    process.kill(proc.pid, sig);
    await exited;
  }

  async destroy(): Promise<void> {
    for (const c of this.#clients) c.close();
    await this.kill();
    await rm(this.root, { recursive: true, force: true });
  }
}
