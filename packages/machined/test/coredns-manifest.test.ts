// The CoreDNS manifest for real: its Corefile run by the real CoreDNS as the coredns service account
// (the manifest's RBAC), against the real kube-apiserver holding the bootstrap manifests; the
// kube-dns name answers with the 10th service IP. Only the listening ports differ from the manifest
// (free loopback ports instead of :53, :8080, :8181, :9153) and nothing is forwarded upstream.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Resolver } from 'node:dns/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { bootstrapManifests } from '@bronze/machinery';
import { freePort } from './kube-fixture.ts';
import { KubeApiServerFixture, missingBinaries, testManifestInput as input } from './kube-apiserver-fixture.ts';

const coredns = resolve(import.meta.dirname, '../../../.cache/components/coredns-v1.12.1/coredns');
const skip =
  missingBinaries() ??
  (existsSync(coredns) ? undefined : `${coredns} is absent: build it with \`osctl image components\``);

/** A token of a service account, from the TokenRequest API as the admin. */
async function serviceAccountToken(api: KubeApiServerFixture, namespace: string, name: string): Promise<string> {
  const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } };
  const res = await api.post(`/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, body, {
    subject: { commonName: 'admin', organizations: ['system:masters'] },
  });
  if (res.status !== 201) throw new Error(`TokenRequest: ${String(res.status)}: ${res.text}`);
  return (JSON.parse(res.text) as { status: { token: string } }).status.token;
}

test(
  'CoreDNS runs the rendered Corefile as its service account and answers kube-dns',
  { skip: skip ?? false, timeout: 120_000 },
  async (t) => {
    const signal = AbortSignal.timeout(110_000);
    const api = await KubeApiServerFixture.start(signal);
    t.after(() => api.stop());
    const admin = await api.client({ commonName: 'admin', organizations: ['system:masters'] });
    const manifests = bootstrapManifests(input);
    for (const m of manifests) for (const o of m.objects) await admin.apply(o, { signal });

    // the API server makes the `kubernetes` Service shortly after it starts; CoreDNS would cache its absence
    while (
      (await admin.find(
        { apiVersion: 'v1', kind: 'Service', name: 'kubernetes', namespace: 'default' },
        { signal },
      )) === undefined
    ) {
      await sleep(100, undefined, { signal });
    }

    const kubeconfig = join(api.dir, 'coredns.kubeconfig');
    await writeFile(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'c',
            cluster: { server: api.server, 'certificate-authority-data': Buffer.from(api.caPem).toString('base64') },
          },
        ],
        users: [{ name: 'coredns', user: { token: await serviceAccountToken(api, 'kube-system', 'coredns') } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'coredns' } }],
        'current-context': 'c',
      }),
      { mode: 0o600 },
    );
    const cm = manifests.flatMap((m) => m.objects).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'coredns');
    const rendered = (cm?.['data'] as { Corefile: string }).Corefile;
    const [dns, health, ready, metrics] = [
      await freePort('127.0.0.1'),
      await freePort('127.0.0.1'),
      await freePort('127.0.0.1'),
      await freePort('127.0.0.1'),
    ];
    const corefile = rendered
      .replace('.:53 {', `.:${String(dns)} {`)
      .replace('    health {', `    health 127.0.0.1:${String(health)} {`)
      .replace('    ready\n', `    ready 127.0.0.1:${String(ready)}\n`)
      .replace('    prometheus :9153', `    prometheus 127.0.0.1:${String(metrics)}`)
      .replace('        pods insecure', `        kubeconfig ${kubeconfig} c\n        pods insecure`)
      .replace(/ {4}forward \. \/etc\/resolv\.conf \{\n[^}]*\}\n/, '')
      .replace('    loop\n', '');
    assert.notEqual(corefile, rendered);
    await writeFile(join(api.dir, 'Corefile'), corefile);

    const proc = spawn(coredns, ['-conf', join(api.dir, 'Corefile'), '-dns.port', String(dns)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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

    // ready: the kubernetes plugin has synced with the API (it needs the manifest's RBAC for that)
    const until = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null) assert.fail(`coredns exited: ${log}`);
      const ok = await fetch(`http://127.0.0.1:${String(ready)}/ready`, { signal: AbortSignal.timeout(1000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      if (Date.now() > until) assert.fail(`coredns not ready: ${log}`);
      await sleep(200, undefined, { signal });
    }
    const resolver = new Resolver({ timeout: 2000, tries: 2 });
    resolver.setServers([`127.0.0.1:${String(dns)}`]);
    assert.deepEqual(await resolver.resolve4('kube-dns.kube-system.svc.cluster.local'), ['10.96.0.10']);
    assert.deepEqual(await resolver.resolve4('kubernetes.default.svc.cluster.local'), ['10.96.0.1']);
    assert.doesNotMatch(log, /forbidden/i);
  },
);
