// The manifest controllers against the real kube-apiserver: a control-plane config becomes Manifests,
// the apply controller retries past a refused connection, applies every group and records it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeClient } from '@bronze/machinery';
import { startHarness } from '@bronze/runtime';
import { manifestApplyController } from '../src/kubernetes/manifest-apply-controller.ts';
import { manifestController } from '../src/kubernetes/manifest-controller.ts';
import { ManifestStatus, ManifestStatusId } from '../src/kubernetes/manifest-resources.ts';
import { MachineConfig, MachineConfigId } from '../src/resources/config-resources.ts';
import { KubeApiServerFixture, missingBinaries } from './kube-apiserver-fixture.ts';

const skip = missingBinaries();

const config =
  'version: v1alpha1\nmachine:\n  type: controlplane\ncluster:\n  clusterName: demo\n' +
  '  controlPlane:\n    endpoint: https://127.0.0.1:6443\n  token: abcdef.0123456789abcdef\n' +
  '  network:\n    podSubnets: [10.200.0.0/16]\n    serviceSubnets: [10.100.0.0/16]\n';

test('manifest controllers apply every group to the real API', { skip: skip ?? false, timeout: 120_000 }, async (t) => {
  const signal = AbortSignal.timeout(110_000);
  const api = await KubeApiServerFixture.start(signal);
  t.after(() => api.stop());
  const admin = await api.client({ commonName: 'admin', organizations: ['system:masters'] });
  let made = 0;
  const factory = async (): Promise<KubeClient> => {
    made++;
    // the first client finds nothing listening, as before the API server is up
    const server = made === 1 ? 'https://127.0.0.1:1' : api.server;
    return api.client({ commonName: 'admin', organizations: ['system:masters'] }, server);
  };
  const h = startHarness({
    controllers: [
      manifestController(),
      manifestApplyController({ client: factory, backoff: { initialMs: 50, maxMs: 200 } }),
    ],
  });
  t.after(() => h.stop());
  await h.state.create(MachineConfig.make(MachineConfigId, config));
  const status = await h.eventually(
    () => h.state.get<{ manifestsApplied: string[] }>(ManifestStatus.pointer(ManifestStatusId)),
    { timeoutMs: 30_000, signal },
  );
  assert.equal(status.spec.manifestsApplied.length, 8);
  assert.ok(made >= 2);
  const dns = await admin.get(
    { apiVersion: 'v1', kind: 'Service', name: 'kube-dns', namespace: 'kube-system' },
    { signal },
  );
  assert.equal((dns['spec'] as { clusterIP: string }).clusterIP, '10.100.0.10');
  const flannel = await admin.get(
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'kube-flannel-cfg', namespace: 'kube-system' },
    { signal },
  );
  assert.match((flannel['data'] as Record<string, string>)['net-conf.json'] ?? '', /"Network": "10\.200\.0\.0\/16"/);
  assert.ok(h.logger.entries.some((e) => e.message === 'applying bootstrap manifests, will retry'));
});
