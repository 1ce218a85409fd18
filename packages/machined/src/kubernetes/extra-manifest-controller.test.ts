// The user's manifests over in-memory state, downloads from a real HTTP server on loopback.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startHarness, type State } from '@bronze/runtime';
import { extraManifestController } from './extra-manifest-controller.ts';
import { manifestController } from './manifest-controller.ts';
import { Manifest, type ManifestSpec } from './manifest-resources.ts';
import { configText, setConfig } from './manifest-config-fixture.ts';

const namespaceDoc = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

/** An HTTP server on 127.0.0.1 whose answers the test sets per path; it records each request's headers. */
async function manifestServer(t: { after: (fn: () => Promise<void>) => void }) {
  const routes = new Map<string, () => { status: number; body: string }>();
  const requests: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push({ path, headers: req.headers });
    const answer = routes.get(path)?.() ?? { status: 404, body: 'not found' };
    res.writeHead(answer.status, { 'content-type': 'application/yaml' });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  const base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return { base, routes, requests };
}

const ids = async (state: State): Promise<string[]> =>
  (await state.list(Manifest.kind())).map((m) => m.metadata.id).sort();

test('inline manifests become 99-NAME beside the bootstrap manifests; a worker renders none', async (t) => {
  const h = startHarness({ controllers: [manifestController(), extraManifestController()] });
  t.after(() => h.stop());
  const inline =
    '  inlineManifests:\n' +
    `    - name: team-a\n      contents: |\n${(namespaceDoc('team-a') + '---\n' + namespaceDoc('team-b')).replace(/^/gm, '        ')}`;
  await setConfig(h.state, configText('worker', inline));
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(await ids(h.state), []);

  await setConfig(h.state, configText('controlplane', inline));
  const m = await h.eventually(() => h.state.get<ManifestSpec>(Manifest.pointer('99-team-a')));
  assert.equal(m.metadata.owner, 'k8s.ExtraManifestController');
  assert.deepEqual(
    m.spec.items.map((o) => (o['metadata'] as { name: string }).name),
    ['team-a', 'team-b'],
  );
  assert.ok((await ids(h.state)).includes('05-flannel'), 'the bootstrap manifests are still there');

  // removed from the config: its Manifest goes, the bootstrap ones stay
  await setConfig(h.state, configText('controlplane'));
  await h.eventually(async () => {
    assert.ok(!(await ids(h.state)).includes('99-team-a'));
  });
  assert.ok((await ids(h.state)).includes('05-flannel'));
});

test('extra manifests are downloaded with the configured headers, retried until they answer', async (t) => {
  const srv = await manifestServer(t);
  let failures = 2;
  srv.routes.set('/app.yaml', () => {
    if (failures > 0) {
      failures--;
      return { status: 503, body: 'starting' };
    }
    return { status: 200, body: namespaceDoc('app') };
  });
  srv.routes.set('/cni.yaml', () => ({ status: 200, body: namespaceDoc('cni') }));
  const h = startHarness({
    controllers: [extraManifestController({ backoff: { initialMs: 5, maxMs: 20 }, timeoutMs: 5000 })],
  });
  t.after(() => h.stop());
  await setConfig(
    h.state,
    configText(
      'controlplane',
      `  extraManifests:\n    - ${srv.base}/app.yaml\n  extraManifestHeaders:\n    X-Token: s3cret\n` +
        `  network:\n    cni:\n      name: custom\n      urls:\n        - ${srv.base}/cni.yaml\n`,
    ),
  );
  const app = await h.eventually(() => h.state.get<ManifestSpec>(Manifest.pointer(`99-${srv.base}/app.yaml`)));
  assert.equal((app.spec.items[0]?.['metadata'] as { name: string }).name, 'app');
  const cni = await h.state.get<ManifestSpec>(Manifest.pointer(`05-${srv.base}/cni.yaml`));
  assert.equal(cni.spec.items[0]?.['kind'], 'Namespace');
  const appRequests = srv.requests.filter((r) => r.path === '/app.yaml');
  assert.equal(appRequests.length, 3, 'two refusals, then the download');
  for (const r of appRequests) assert.equal(r.headers['x-token'], 's3cret');
  assert.equal(
    srv.requests.find((r) => r.path === '/cni.yaml')?.headers['x-token'],
    undefined,
    'headers are for extraManifests',
  );
  const warnings = h.logger.entries.filter((e) => e.message === 'extra manifest not rendered');
  assert.equal(warnings.length, 1, 'the same error is logged once');
  assert.match(String(warnings[0]?.fields['error']), /app\.yaml: HTTP 503/);
  for (const e of h.logger.entries)
    assert.doesNotMatch(JSON.stringify(e.fields), /s3cret/, 'header values are not logged');
});

test('a download that is not Kubernetes objects is refused whole and not retried; the last good one stays', async (t) => {
  const srv = await manifestServer(t);
  let body = namespaceDoc('first');
  srv.routes.set('/m.yaml', () => ({ status: 200, body }));
  const h = startHarness({
    controllers: [extraManifestController({ backoff: { initialMs: 5, maxMs: 20 }, timeoutMs: 5000 })],
  });
  t.after(() => h.stop());
  const id = `99-${srv.base}/m.yaml`;
  await setConfig(h.state, configText('controlplane', `  extraManifests:\n    - ${srv.base}/m.yaml\n`));
  await h.eventually(() => h.state.get<ManifestSpec>(Manifest.pointer(id)));

  // a config change downloads again; the new body is broken
  body = `${namespaceDoc('second')}---\nkind: ConfigMap\n`;
  await setConfig(
    h.state,
    configText('controlplane', `  extraManifests:\n    - ${srv.base}/m.yaml\n  allowSchedulingOnControlPlanes: true\n`),
  );
  await h.eventually(() => {
    const w = h.logger.entries.find((e) => e.message === 'extra manifest not rendered');
    assert.match(String(w?.fields['error']), /m\.yaml: document 2 has no apiVersion/);
  });
  const requests = srv.requests.length;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(srv.requests.length, requests, 'contents errors are not retried');
  const kept = await h.state.get<ManifestSpec>(Manifest.pointer(id));
  assert.equal((kept.spec.items[0]?.['metadata'] as { name: string }).name, 'first', 'the last good download stays');
});
