// The manifest controllers over in-memory state: config → Manifests → applied → ManifestStatus.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeApiError, type KubeObject } from '@bronze/machinery';
import { startHarness } from '@bronze/runtime';
import { manifestApplyController, type KubeApplier } from './manifest-apply-controller.ts';
import { manifestController } from './manifest-controller.ts';
import { Manifest, ManifestStatus, ManifestStatusId } from './manifest-resources.ts';
import { configText, setConfig } from './manifest-config-fixture.ts';

/** A client that refuses `failFirst` applies (as an API server not up yet), then records. */
function recordingClient(failFirst: number): {
  applied: KubeObject[];
  made: number;
  factory: () => Promise<KubeApplier>;
} {
  const rec = { applied: [] as KubeObject[], made: 0, factory: (): Promise<KubeApplier> => Promise.resolve(client) };
  let failures = failFirst;
  const client: KubeApplier = {
    apply: (obj) => {
      if (failures > 0) {
        failures--;
        return Promise.reject(
          new KubeApiError('connect ECONNREFUSED 127.0.0.1:6443', { status: 0, method: 'PATCH', path: '/x' }),
        );
      }
      rec.applied.push(obj);
      return Promise.resolve(obj);
    },
    close: () => undefined,
  };
  rec.factory = () => {
    rec.made++;
    return Promise.resolve(client);
  };
  return rec;
}

test('manifests: a worker renders none; a config without a token renders none and says why', async (t) => {
  const rec = recordingClient(0);
  const h = startHarness({ controllers: [manifestController(), manifestApplyController({ client: rec.factory })] });
  t.after(() => h.stop());
  await setConfig(h.state, configText('worker'));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(await h.state.list(Manifest.kind()), []);
  await setConfig(h.state, configText('controlplane').replace('  token: abcdef.0123456789abcdef\n', ''));
  await h.eventually(() => {
    assert.ok(
      h.logger.entries.some(
        (e) => e.message === 'no bootstrap manifests' && /cluster\.token/.test(String(e.fields['error'])),
      ),
    );
  });
  assert.deepEqual(await h.state.list(Manifest.kind()), []);
  assert.equal(rec.made, 0);
});

test('manifests: rendered on a control plane, applied in id order after the API refused twice, then status', async (t) => {
  const rec = recordingClient(2);
  const h = startHarness({
    controllers: [
      manifestController(),
      manifestApplyController({ client: rec.factory, backoff: { initialMs: 5, maxMs: 20 } }),
    ],
  });
  t.after(() => h.stop());
  await setConfig(h.state, configText('controlplane'));
  const status = await h.eventually(() =>
    h.state.get<{ manifestsApplied: string[] }>(ManifestStatus.pointer(ManifestStatusId)),
  );
  assert.deepEqual(status.spec.manifestsApplied, [
    '00-kubelet-bootstrapping-token',
    '01-csr-approver-role-binding',
    '01-csr-node-bootstrap',
    '01-csr-renewal-role-binding',
    '05-flannel',
    '10-kube-proxy',
    '11-core-dns',
    '11-core-dns-svc',
  ]);
  assert.equal(rec.applied[0]?.kind, 'Secret');
  assert.equal(rec.applied.at(-1)?.metadata.name, 'kube-dns');
  assert.equal(rec.made, 3, 'a fresh client after each failure');
  const warnings = h.logger.entries.filter((e) => e.message === 'applying bootstrap manifests, will retry');
  assert.equal(warnings.length, 1);
  assert.match(
    String(warnings[0]?.fields['error']),
    /^manifest 00-kubelet-bootstrapping-token: Secret bootstrap-token-abcdef: connect ECONNREFUSED/,
  );

  // disabling CoreDNS removes its manifests and applies the rest again
  const before = rec.applied.length;
  await setConfig(h.state, configText('controlplane', '  coreDNS:\n    disabled: true\n'));
  await h.eventually(async () => {
    const s = await h.state.get<{ manifestsApplied: string[] }>(ManifestStatus.pointer(ManifestStatusId));
    assert.ok(!s.spec.manifestsApplied.includes('11-core-dns'));
  });
  assert.ok(rec.applied.length > before);
});
