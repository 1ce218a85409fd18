// The node-bootstrapping manifests for real: with the bootstrap token of 00-kubelet-bootstrapping-token
// a kubelet-like client creates its client CSR, and the real kube-controller-manager approves it
// (01-csr-approver-role-binding) and signs it; then, as the node, its renewal CSR is approved too
// (01-csr-renewal-role-binding) while another node's is not.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { stringify } from 'yaml';
import {
  bootstrapManifests,
  createCsr,
  encodeCertificateAndKey,
  generatePrivateKey,
  issueCertificateAndKey,
  KubeClient,
  type KubeObject,
  type ManifestInput,
} from '@bronze/machinery';
import { KubeApiServerFixture, missingBinaries } from './kube-apiserver-fixture.ts';

const kcm = resolve(
  import.meta.dirname,
  '../../../.cache/components/kube-controller-manager-v1.34.10/kube-controller-manager',
);
const skip =
  missingBinaries() ?? (existsSync(kcm) ? undefined : `${kcm} is absent: build it with \`osctl image components\``);

const token = 'abcdef.0123456789abcdef';
const input: ManifestInput = {
  endpoint: 'https://127.0.0.1:6443',
  token,
  podSubnets: ['10.244.0.0/16'],
  serviceSubnets: ['10.96.0.0/12'],
  dnsDomain: 'cluster.local',
  dnsServiceIp: '10.96.0.10',
  cni: 'none',
  flannelImage: 'ghcr.io/flannel-io/flannel:v0.28.4',
  flannelExtraArgs: [],
  proxy: { disabled: true, image: 'registry.k8s.io/kube-proxy:v1.34.10', mode: 'iptables', extraArgs: {} },
  coreDns: { disabled: true, image: 'registry.k8s.io/coredns/coredns:v1.12.1' },
};

const signer = 'kubernetes.io/kube-apiserver-client-kubelet';

/** A CSR as the kubelet makes it, for node `node`. */
async function nodeCsr(name: string, node: string): Promise<KubeObject> {
  const key = await generatePrivateKey('ecdsa-p256');
  const pem = await createCsr(key, { commonName: `system:node:${node}`, organizations: ['system:nodes'] });
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: {
      request: Buffer.from(pem).toString('base64'),
      signerName: signer,
      usages: ['digital signature', 'client auth'],
    },
  };
}

/** POST as the bootstrap token; the answer's status. */
async function postWithToken(api: KubeApiServerFixture, path: string, body: unknown): Promise<number> {
  return (await api.post(path, body, { token })).status;
}

interface CsrStatus {
  certificate?: string;
  conditions?: { type: string; reason?: string }[];
}

async function waitIssued(admin: KubeClient, name: string, signal: AbortSignal): Promise<CsrStatus> {
  const until = Date.now() + 30_000;
  for (;;) {
    const csr = await admin.get(
      { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', name },
      { signal },
    );
    const status = (csr['status'] ?? {}) as CsrStatus;
    if (status.certificate !== undefined && status.certificate !== '') return status;
    if (Date.now() > until) assert.fail(`${name} not issued: ${JSON.stringify(status)}`);
    await sleep(200, undefined, { signal });
  }
}

test(
  'a bootstrapping kubelet gets its client certificate approved and signed; a node renews its own',
  { skip: skip ?? false, timeout: 120_000 },
  async (t) => {
    const signal = AbortSignal.timeout(110_000);
    const api = await KubeApiServerFixture.start(signal);
    t.after(() => api.stop());
    const admin = await api.client({ commonName: 'admin', organizations: ['system:masters'] });
    for (const m of bootstrapManifests(input)) for (const o of m.objects) await admin.apply(o, { signal });

    // the controller-manager as the static pod runs it, reduced to the CSR controllers
    const ca = encodeCertificateAndKey(api.ca);
    const kcmCert = encodeCertificateAndKey(
      await issueCertificateAndKey(api.ca, {
        algorithm: 'ecdsa-p256',
        commonName: 'system:kube-controller-manager',
        extKeyUsage: ['clientAuth'],
      }),
    );
    const b64 = (s: string): string => Buffer.from(s).toString('base64');
    await writeFile(join(api.dir, 'ca.key'), ca.key, { mode: 0o600 });
    await writeFile(
      join(api.dir, 'kcm.kubeconfig'),
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: api.server, 'certificate-authority-data': b64(ca.crt) } }],
        users: [
          { name: 'kcm', user: { 'client-certificate-data': b64(kcmCert.crt), 'client-key-data': b64(kcmCert.key) } },
        ],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'kcm' } }],
        'current-context': 'c',
      }),
      { mode: 0o600 },
    );
    const proc = spawn(
      kcm,
      [
        `--kubeconfig=${join(api.dir, 'kcm.kubeconfig')}`,
        `--authentication-kubeconfig=${join(api.dir, 'kcm.kubeconfig')}`,
        `--authorization-kubeconfig=${join(api.dir, 'kcm.kubeconfig')}`,
        `--cluster-signing-cert-file=${join(api.dir, 'ca.crt')}`,
        `--cluster-signing-key-file=${join(api.dir, 'ca.key')}`,
        '--controllers=csrapproving,csrsigning',
        '--use-service-account-credentials=true',
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        '--secure-port=0',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    proc.stdout.on('data', (c: Buffer) => (log += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (log += c.toString()));
    t.after(async () => {
      if (proc.pid !== undefined && proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        process.kill(proc.pid, 'SIGTERM');
        await exited;
      }
    });

    // 1. the bootstrap token creates the first client CSR: approved (AutoApproved) and signed
    const first = await nodeCsr('node-csr-bootstrap', 'worker-1');
    assert.equal(await postWithToken(api, '/apis/certificates.k8s.io/v1/certificatesigningrequests', first), 201);
    const issued = await waitIssued(admin, 'node-csr-bootstrap', signal).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\nkube-controller-manager: ${log.slice(-2000)}`);
    });
    assert.equal(issued.conditions?.find((c) => c.type === 'Approved')?.reason, 'AutoApproved');

    // 2. as the node (system:node:worker-1 in system:nodes), its renewal is approved too
    const nodeCert = encodeCertificateAndKey(
      await issueCertificateAndKey(api.ca, {
        algorithm: 'ecdsa-p256',
        commonName: 'system:node:worker-1',
        organizations: ['system:nodes'],
        extKeyUsage: ['clientAuth'],
      }),
    );
    const asNode = new KubeClient({ server: api.server, ca: ca.crt, cert: nodeCert.crt, key: nodeCert.key });
    t.after(() => {
      asNode.close();
    });
    await asNode.create(await nodeCsr('node-csr-renewal', 'worker-1'), { signal });
    const renewed = await waitIssued(admin, 'node-csr-renewal', signal);
    assert.equal(renewed.conditions?.find((c) => c.type === 'Approved')?.reason, 'AutoApproved');

    // 3. a CSR for another node's name is not the node's own: never approved
    await asNode.create(await nodeCsr('node-csr-other', 'worker-2'), { signal });
    await sleep(2000, undefined, { signal });
    const other = await admin.get(
      { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', name: 'node-csr-other' },
      { signal },
    );
    assert.equal((other['status'] as CsrStatus | undefined)?.certificate, undefined);
  },
);
