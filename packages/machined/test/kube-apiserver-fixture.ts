// A real etcd and the real kube-apiserver on 127.0.0.1 for integration tests: a fresh Kubernetes
// CA, serving certificate, service-account key, an admin (system:masters) client and a plain user.
// Both processes are stopped by pid in stop(); the directory is removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  KubeClient,
  createSelfSignedCa,
  encodeCertificateAndKey,
  issueCertificateAndKey,
  type CertificateAndKey,
  type KubeEndpoint,
  type ManifestInput,
} from '@bronze/machinery';
import { DefaultEtcdPath } from '../src/etcd/etcd-binary.ts';
import { freePort, kubeCall } from './kube-fixture.ts';

const components = resolve(import.meta.dirname, '../../../.cache/components');
export const KubeApiServerPath = join(components, 'kube-apiserver-v1.34.10/kube-apiserver');
/** The newer etcd the component list builds, else Debian's. */
export const EtcdPath = existsSync(join(components, 'etcd-v3.6.5/etcd'))
  ? join(components, 'etcd-v3.6.5/etcd')
  : DefaultEtcdPath;

/** Why the test must be skipped, or undefined when both binaries are there. */
export function missingBinaries(): string | undefined {
  if (!existsSync(KubeApiServerPath)) return `${KubeApiServerPath} is absent: build it with \`osctl image components\``;
  if (!existsSync(EtcdPath)) return `${EtcdPath} is absent: install etcd-server`;
  return undefined;
}

// Every process a fixture started and has not stopped: killed when the test process exits, even when
// a run is cut short before its cleanup.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

export class KubeApiServerFixture {
  readonly dir: string;
  readonly port: number;
  readonly ca: CertificateAndKey;
  readonly #procs: ChildProcess[] = [];
  readonly #clients: KubeClient[] = [];

  private constructor(dir: string, port: number, ca: CertificateAndKey) {
    this.dir = dir;
    this.port = port;
    this.ca = ca;
  }

  get server(): string {
    return `https://127.0.0.1:${String(this.port)}`;
  }

  static async start(signal: AbortSignal): Promise<KubeApiServerFixture> {
    const dir = await mkdtemp(join(tmpdir(), 'bronze-kube-apiserver-'));
    const ca = await createSelfSignedCa({ algorithm: 'ecdsa-p256', commonName: 'kubernetes' });
    const fixture = new KubeApiServerFixture(dir, await freePort('127.0.0.1'), ca);
    try {
      await fixture.#launch(signal);
    } catch (err) {
      await fixture.stop();
      throw err;
    }
    return fixture;
  }

  async #launch(signal: AbortSignal): Promise<void> {
    const [etcdClient, etcdPeer] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    const etcdUrl = `http://127.0.0.1:${String(etcdClient)}`;
    this.#spawn(
      EtcdPath,
      [
        `--data-dir=${join(this.dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://127.0.0.1:${String(etcdPeer)}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${String(etcdPeer)}`,
        `--initial-cluster=default=http://127.0.0.1:${String(etcdPeer)}`,
      ],
      'etcd',
    );
    const serving = encodeCertificateAndKey(
      await issueCertificateAndKey(this.ca, {
        algorithm: 'ecdsa-p256',
        commonName: 'kube-apiserver',
        dnsNames: ['localhost', 'kubernetes', 'kubernetes.default'],
        ipAddresses: ['127.0.0.1', '10.96.0.1'],
        extKeyUsage: ['serverAuth'],
      }),
    );
    const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const f = (name: string): string => join(this.dir, name);
    await writeFile(f('ca.crt'), encodeCertificateAndKey(this.ca).crt);
    await writeFile(f('apiserver.crt'), serving.crt);
    await writeFile(f('apiserver.key'), serving.key, { mode: 0o600 });
    await writeFile(f('sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    await writeFile(f('sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));
    this.#spawn(
      KubeApiServerPath,
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${String(this.port)}`,
        `--cert-dir=${f('certs')}`,
        `--tls-cert-file=${f('apiserver.crt')}`,
        `--tls-private-key-file=${f('apiserver.key')}`,
        `--client-ca-file=${f('ca.crt')}`,
        `--service-account-key-file=${f('sa.pub')}`,
        `--service-account-signing-key-file=${f('sa.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.96.0.0/12',
        '--authorization-mode=Node,RBAC',
        '--enable-bootstrap-token-auth=true',
        '--allow-privileged=true',
        '--profiling=false',
      ],
      'kube-apiserver',
    );
    await this.#waitReady(signal);
  }

  #spawn(binary: string, args: string[], name: string): void {
    const log = createWriteStream(join(this.dir, `${name}.log`));
    const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.pipe(log);
    proc.stderr.pipe(log);
    this.#procs.push(proc);
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
  }

  /** Until kube-system exists and RBAC's defaults are in (the admin can read the node-proxier role). */
  async #waitReady(signal: AbortSignal): Promise<void> {
    const admin = await this.client({ commonName: 'admin', organizations: ['system:masters'] });
    const until = Date.now() + 60_000;
    for (;;) {
      signal.throwIfAborted();
      for (const p of this.#procs) {
        if (p.exitCode !== null) throw new Error(`${p.spawnfile} exited; see ${this.dir}`);
      }
      try {
        await admin.get({ apiVersion: 'v1', kind: 'Namespace', name: 'kube-system' }, { signal });
        await admin.get(
          { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'system:node-proxier' },
          { signal },
        );
        return;
      } catch (err) {
        if (Date.now() > until) throw new Error(`kube-apiserver not ready; see ${this.dir}`, { cause: err });
      }
      await sleep(250, undefined, { signal });
    }
  }

  /** A fresh client certificate of `commonName` and `organizations` from the cluster CA (PEM). */
  async #clientCertificate(subject: {
    commonName: string;
    organizations?: string[];
  }): Promise<{ crt: string; key: string }> {
    return encodeCertificateAndKey(
      await issueCertificateAndKey(this.ca, { algorithm: 'ecdsa-p256', ...subject, extKeyUsage: ['clientAuth'] }),
    );
  }

  /** A client with a fresh certificate of `commonName` and `organizations` from the cluster CA. */
  async client(subject: { commonName: string; organizations?: string[] }, server = this.server): Promise<KubeClient> {
    const c = await this.#clientCertificate(subject);
    const endpoint: KubeEndpoint = { server, ca: encodeCertificateAndKey(this.ca).crt, cert: c.crt, key: c.key };
    const client = new KubeClient(endpoint, { timeoutMs: 10_000 });
    this.#clients.push(client);
    return client;
  }

  /**
   * A raw POST for what KubeClient does not speak (bearer tokens, subresources): as `token`, or with
   * a fresh client certificate of `subject` from the cluster CA. The answer's status and body.
   */
  async post(
    path: string,
    body: unknown,
    auth: { token: string } | { subject: { commonName: string; organizations?: string[] } },
  ): Promise<{ status: number; text: string }> {
    const as =
      'token' in auth
        ? { token: auth.token }
        : await this.#clientCertificate(auth.subject).then(({ crt, key }) => ({ cert: crt, key }));
    return kubeCall({ server: this.server, ca: this.caPem, ...as }, 'POST', path, body);
  }

  get caPem(): string {
    return encodeCertificateAndKey(this.ca).crt;
  }

  /** A system:masters client whose certificate comes from another CA (the server still trusted). */
  async foreignClient(): Promise<KubeClient> {
    const other = await createSelfSignedCa({ algorithm: 'ecdsa-p256', commonName: 'kubernetes' });
    const c = encodeCertificateAndKey(
      await issueCertificateAndKey(other, {
        algorithm: 'ecdsa-p256',
        commonName: 'admin',
        organizations: ['system:masters'],
        extKeyUsage: ['clientAuth'],
      }),
    );
    const client = new KubeClient(
      { server: this.server, ca: this.caPem, cert: c.crt, key: c.key },
      { timeoutMs: 10_000 },
    );
    this.#clients.push(client);
    return client;
  }

  async stop(): Promise<void> {
    for (const c of this.#clients) c.close();
    for (const p of [...this.#procs].reverse()) {
      if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) continue;
      const exited = new Promise((r) => p.once('exit', r));
      process.kill(p.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (p.pid !== undefined && p.exitCode === null) process.kill(p.pid, 'SIGKILL');
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The bootstrap manifests' input the API-server tests render (the config's defaults). */
export const testManifestInput: ManifestInput = {
  endpoint: 'https://127.0.0.1:6443',
  token: 'abcdef.0123456789abcdef',
  podSubnets: ['10.244.0.0/16'],
  serviceSubnets: ['10.96.0.0/12'],
  dnsDomain: 'cluster.local',
  dnsServiceIp: '10.96.0.10',
  cni: 'flannel',
  flannelImage: 'ghcr.io/flannel-io/flannel:v0.28.4',
  flannelExtraArgs: [],
  proxy: { disabled: false, image: 'registry.k8s.io/kube-proxy:v1.34.10', mode: 'iptables', extraArgs: {} },
  coreDns: { disabled: false, image: 'registry.k8s.io/coredns/coredns:v1.12.1' },
};
