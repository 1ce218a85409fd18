// StaticPodStatus from the kubelet's pods (a fake kubelet for the controller; a real TLS server with
// pinned self-signed certificates on both sides for the HTTPS client).
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createSelfSignedCa, encodeCertificateAndKey, generateConfigs } from '@bronze/machinery';
import { startHarness } from '@bronze/runtime';
import { setConfig } from '../kubernetes/manifest-config-fixture.ts';
import { StaticPodStatus, type StaticPodStatusSpec } from './kubelet-resources.ts';
import { getKubeletPods, staticPodStatusController, type KubeletPods } from './static-pod-status-controller.ts';

const configs = await generateConfigs({ clusterName: 'unit', endpoint: 'https://10.5.0.2:6443', rsaBits: 2048 });

const pod = (name: string, source: string, phase: string) => ({
  metadata: { name, namespace: 'kube-system', annotations: { 'kubernetes.io/config.source': source } },
  status: { phase },
});

test('control planes get a StaticPodStatus per file pod; a silent kubelet keeps the last; workers get none', async (t) => {
  let answer: unknown[] | Error = new Error('connect ECONNREFUSED 127.0.0.1:10250');
  let calls = 0;
  const bundles = new Set<unknown>();
  const pods: KubeletPods = (config) => {
    bundles.add(config);
    calls++;
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const h = startHarness({ controllers: [staticPodStatusController({ root: '/unused', pods, intervalMs: 10 })] });
  t.after(() => h.stop());
  await setConfig(h.state, configs.controlplane);
  await h.eventually(() => {
    assert.ok(calls >= 2, 'it asks again while the kubelet does not answer');
  });
  assert.equal(h.logger.entries.filter((e) => e.message === 'static pod statuses wait for the kubelet').length, 1);
  assert.equal(bundles.size, 1, 'one parsed config per version, so the client certificate is made once');

  answer = [pod('kube-apiserver-cp-1', 'file', 'Running'), pod('coredns-x', 'api', 'Running')];
  const ids = async () => (await h.state.list(StaticPodStatus.kind())).map((r) => r.metadata.id).sort();
  await h.eventually(async () => {
    assert.deepEqual(await ids(), ['kube-system/kube-apiserver-cp-1']);
  });
  const s = await h.state.get<StaticPodStatusSpec>(StaticPodStatus.pointer('kube-system/kube-apiserver-cp-1'));
  assert.deepEqual(s.spec.podStatus, { phase: 'Running' });

  answer = new Error('connect ECONNREFUSED 127.0.0.1:10250');
  const before = calls;
  await h.eventually(() => {
    assert.ok(calls > before + 2);
  });
  assert.deepEqual(await ids(), ['kube-system/kube-apiserver-cp-1'], 'a kubelet restart does not erase them');

  answer = [];
  await h.eventually(async () => {
    assert.deepEqual(await ids(), []);
  });
  answer = [pod('kube-apiserver-cp-1', 'file', 'Running')];
  await h.eventually(async () => {
    assert.equal((await ids()).length, 1);
  });
  await setConfig(h.state, configs.worker);
  await h.eventually(async () => {
    assert.deepEqual(await ids(), []);
  });
});

test('the kubelet client trusts only the pinned serving certificate and presents its client certificate', async (t) => {
  const server = encodeCertificateAndKey(
    await createSelfSignedCa({ algorithm: 'ecdsa-p256', organizations: ['kubelet'] }),
  );
  const client = encodeCertificateAndKey(
    await createSelfSignedCa({ algorithm: 'ecdsa-p256', organizations: ['system:masters'] }),
  );
  const other = encodeCertificateAndKey(await createSelfSignedCa({ algorithm: 'ecdsa-p256' }));
  const https = createServer(
    { cert: server.crt, key: server.key, ca: client.crt, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      res.writeHead(req.url === '/pods' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'PodList', items: [pod('etcd-x', 'file', 'Running')] }));
    },
  );
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) =>
        https.close(() => {
          resolve();
        }),
      ),
  );
  const url = `https://127.0.0.1:${String((https.address() as AddressInfo).port)}`;
  const signal = AbortSignal.timeout(10_000);

  const items = await getKubeletPods(url, { ca: server.crt, cert: client.crt, key: client.key }, signal);
  assert.equal(items.length, 1);
  await assert.rejects(
    getKubeletPods(url, { ca: other.crt, cert: client.crt, key: client.key }, signal),
    /self-signed|certificate/i,
  );
  await assert.rejects(getKubeletPods(url, { ca: server.crt, cert: other.crt, key: other.key }, signal));
});
