import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isImageError } from '../image-error.ts';
import { buildComponent } from './build-component.ts';
import type { UpstreamComponent } from './upstream-component.ts';
import { validateUpstreamList } from './validate-list.ts';

const payload = Buffer.from('#!release binary\n'.repeat(1000));
const digest = createHash('sha256').update(payload).digest('hex');

async function server(t: { after: (fn: () => Promise<void>) => void }): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const s = createServer((req, res) => {
    hits++;
    if (req.url === '/kubelet') res.end(payload);
    else res.writeHead(404).end('not found');
  });
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  t.after(async () => {
    s.close();
    await once(s, 'close');
  });
  const address = s.address();
  assert.ok(address !== null && typeof address === 'object');
  return { url: `http://127.0.0.1:${String(address.port)}`, hits: () => hits };
}

function component(url: string, sha256: string): UpstreamComponent {
  return {
    name: 'kubelet',
    version: 'v1.34.10',
    binary: 'kubelet',
    reason: 'test',
    source: { kind: 'go-module', module: 'k8s.io/kubernetes', package: 'k8s.io/kubernetes/cmd/kubelet' },
    release: { url, sha256 },
  };
}

test('a release binary with the pinned digest is downloaded once into the cache', async (t) => {
  const { url, hits } = await server(t);
  const cacheRoot = await mkdtemp(join(tmpdir(), 'bronze-release-'));
  t.after(() => rm(cacheRoot, { recursive: true, force: true }));
  const c = component(`${url}/kubelet`, digest);
  const first = await buildComponent(c, { cacheRoot, from: 'release', go: '/nonexistent/go' });
  assert.equal(first.sha256, digest);
  assert.equal(first.cached, false);
  assert.equal(first.checksum, 'match');
  assert.equal((await stat(first.path)).mode & 0o777, 0o755);
  const again = await buildComponent(c, { cacheRoot, from: 'release', go: '/nonexistent/go' });
  assert.equal(again.cached, true);
  assert.equal(hits(), 1);
});

test('a download with another digest, or a missing one, is refused and leaves nothing cached', async (t) => {
  const { url } = await server(t);
  const cacheRoot = await mkdtemp(join(tmpdir(), 'bronze-release-'));
  t.after(() => rm(cacheRoot, { recursive: true, force: true }));
  const wrong = component(`${url}/kubelet`, '0'.repeat(64));
  await assert.rejects(
    buildComponent(wrong, { cacheRoot, from: 'release' }),
    (e) => isImageError(e) && e.code === 'checksum-mismatch' && e.message.includes(`has sha256 ${digest}`),
  );
  await assert.rejects(
    buildComponent(component(`${url}/gone`, digest), { cacheRoot, from: 'release' }),
    (e) => isImageError(e) && /HTTP 404/.test(e.message),
  );
  const left = await readdir(cacheRoot).catch(() => []);
  for (const entry of left) assert.deepEqual(await readdir(join(cacheRoot, entry)), [], `${entry} holds nothing`);
});

test('the list refuses a release that is not https or has no sha-256', () => {
  const v = validateUpstreamList([component('http://dl.k8s.io/kubelet', 'abc')]);
  assert.deepEqual(
    v.errors.map((e) => e.path),
    ['components[0].release.url', 'components[0].release.sha256'],
  );
});
