import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { buildImageArchive, componentImageKey, type ImageInput } from './component-image.ts';
import { imageIndex } from './component-images.ts';
import { componentImageSpec, componentImageSpecs, type ComponentImageSpec } from './image-specs.ts';

interface TarEntry {
  name: string;
  mode: number;
  type: string;
  data: Buffer;
}

/** A minimal ustar reader (no PAX needed: every name here is short). */
function untar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  for (let at = 0; at + 512 <= buf.length;) {
    const h = buf.subarray(at, at + 512);
    if (h.every((b) => b === 0)) break;
    const str = (from: number, len: number): string => h.toString('utf8', from, from + len).replace(/\0.*$/s, '');
    const size = parseInt(str(124, 12), 8);
    const prefix = str(345, 155);
    const name = prefix === '' ? str(0, 100) : `${prefix}/${str(0, 100)}`;
    out.push({
      name,
      mode: parseInt(str(100, 8), 8),
      type: str(156, 1),
      data: buf.subarray(at + 512, at + 512 + size),
    });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

async function fixture(t: TestContext): Promise<{ dir: string; binary: ImageInput; ca: ImageInput }> {
  const dir = await mkdtemp(join(tmpdir(), 'imager-component-image-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const input = async (name: string, body: string): Promise<ImageInput> => {
    await writeFile(join(dir, name), body, { mode: 0o600 });
    return { path: join(dir, name), sha256: createHash('sha256').update(body).digest('hex') };
  };
  return { dir, binary: await input('bin', '\x7fELF fake binary'), ca: await input('ca.crt', 'certificates') };
}

function spec(name: string): ComponentImageSpec {
  const s = componentImageSpec(name);
  assert.ok(s, name);
  return s;
}

test('an image that needs CA certificates refuses to build without them', async (t) => {
  const { dir, binary } = await fixture(t);
  await assert.rejects(
    buildImageArchive(spec('coredns'), { binary, cacheRoot: join(dir, 'cache') }),
    /coredns needs the CA certificates/,
  );
  assert.deepEqual(await readdir(join(dir, 'cache')), [], 'no work directory left behind');
});

test('the same inputs give the same archive bytes, and a changed input another key', async (t) => {
  const { dir, binary, ca } = await fixture(t);
  const s = spec('kube-apiserver');
  const a = await buildImageArchive(s, { binary, caCertificates: ca, cacheRoot: join(dir, 'a') });
  const b = await buildImageArchive(s, { binary, caCertificates: ca, cacheRoot: join(dir, 'b') });
  assert.equal(a.cached, false);
  assert.equal(a.sha256, b.sha256);
  assert.deepEqual(await readFile(a.archivePath), await readFile(b.archivePath));
  const again = await buildImageArchive(s, { binary, caCertificates: ca, cacheRoot: join(dir, 'a') });
  assert.equal(again.cached, true);
  assert.equal(again.archivePath, a.archivePath);
  const other = { ...binary, sha256: '0'.repeat(64) };
  assert.notEqual(componentImageKey(s, { binary: other, caCertificates: ca }), a.key);
  assert.notEqual(componentImageKey(s, { binary, caCertificates: { ...ca, sha256: '1'.repeat(64) } }), a.key);
  // The CA bundle does not count for an image that does not carry it.
  const pause = spec('pause');
  assert.equal(componentImageKey(pause, { binary }), componentImageKey(pause, { binary, caCertificates: ca }));
});

test('a rebuilt archive replaces the older one of the same image in the cache', async (t) => {
  const { dir, binary } = await fixture(t);
  const cacheRoot = join(dir, 'cache');
  const first = await buildImageArchive(spec('pause'), { binary, cacheRoot });
  await writeFile(binary.path, 'another binary');
  const changed = { path: binary.path, sha256: createHash('sha256').update('another binary').digest('hex') };
  const second = await buildImageArchive(spec('pause'), { binary: changed, cacheRoot });
  assert.notEqual(first.key, second.key);
  assert.deepEqual((await readdir(cacheRoot)).sort(), [`pause-${second.key}.json`, `pause-${second.key}.tar`]);
});

test('the archive is an OCI layout and a docker archive naming the exact reference', async (t) => {
  const { dir, binary, ca } = await fixture(t);
  const s = spec('agnhost');
  const img = await buildImageArchive(s, { binary, caCertificates: ca, cacheRoot: dir });
  const entries = untar(await readFile(img.archivePath));
  const file = (name: string): Buffer => {
    const e = entries.find((x) => x.name === name);
    assert.ok(e, `${name} in the archive`);
    return e.data;
  };
  const json = (name: string): Record<string, unknown> => JSON.parse(file(name).toString()) as Record<string, unknown>;
  const index = json('index.json') as { manifests: { digest: string; annotations: Record<string, string> }[] };
  const m = index.manifests[0];
  assert.ok(m);
  assert.equal(m.digest, img.manifestDigest);
  assert.equal(m.annotations['io.containerd.image.name'], 'registry.k8s.io/e2e-test-images/agnhost:2.56');
  assert.equal(m.annotations['org.opencontainers.image.ref.name'], s.ref);
  assert.deepEqual((json('manifest.json') as unknown as { RepoTags: string[] }[])[0]?.RepoTags, [s.ref]);
  const blob = (digest: string): Buffer => file(`blobs/sha256/${digest.replace('sha256:', '')}`);
  const manifest = JSON.parse(blob(m.digest).toString()) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  const config = JSON.parse(blob(manifest.config.digest).toString()) as { config: Record<string, unknown> };
  assert.deepEqual(config.config['Entrypoint'], ['/agnhost']);
  assert.deepEqual(config.config['Cmd'], ['pause']);
  const layerDigest = manifest.layers[0]?.digest;
  assert.ok(layerDigest);
  const layer = untar(gunzipSync(blob(layerDigest)));
  assert.deepEqual(
    layer.map((e) => [e.name, e.mode.toString(8)]),
    [
      ['agnhost', '755'],
      ['etc/', '755'],
      ['etc/ssl/', '755'],
      ['etc/ssl/certs/', '755'],
      ['etc/ssl/certs/ca-certificates.crt', '644'],
    ],
  );
  assert.equal(layer[0]?.data.toString(), '\x7fELF fake binary');
});

test('the pause image runs as 65535 from /pause without certificates', async (t) => {
  const { dir, binary } = await fixture(t);
  const img = await buildImageArchive(spec('pause'), { binary, cacheRoot: dir });
  const entries = untar(await readFile(img.archivePath));
  const blobs = entries.filter((e) => e.name.startsWith('blobs/sha256/') && e.type === '0');
  const configs = blobs
    .map((e) => {
      try {
        return JSON.parse(e.data.toString()) as { config?: { User?: string; Entrypoint?: string[] } };
      } catch {
        return {};
      }
    })
    .filter((c) => c.config !== undefined);
  assert.deepEqual(configs[0]?.config, {
    Entrypoint: ['/pause'],
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    User: '65535:65535',
    WorkingDir: '/',
  });
});

test('every image named in docs/KUBERNETES.md has a spec, with unique names and references', () => {
  const refs = componentImageSpecs.map((s) => s.ref);
  for (const ref of [
    'registry.k8s.io/kube-apiserver:v1.34.10',
    'registry.k8s.io/kube-controller-manager:v1.34.10',
    'registry.k8s.io/kube-scheduler:v1.34.10',
    'registry.k8s.io/kube-proxy:v1.34.10',
    'registry.k8s.io/pause:3.10.1',
    'registry.k8s.io/coredns/coredns:v1.12.1',
    'ghcr.io/flannel-io/flannel:v0.28.4',
    'registry.k8s.io/e2e-test-images/agnhost:2.56',
  ])
    assert.ok(refs.includes(ref), ref);
  assert.equal(new Set(refs).size, refs.length);
  assert.equal(new Set(componentImageSpecs.map((s) => s.name)).size, componentImageSpecs.length);
  assert.equal(spec('kube-proxy').path, '/usr/local/bin/kube-proxy');
  assert.equal(spec('flannel').path, '/opt/bin/flanneld');
});

test('the node index lists archives by file name', () => {
  const img = (name: string, ref: string): Parameters<typeof imageIndex>[0][number] => ({
    name,
    ref,
    key: 'k',
    archivePath: `/x/${name}.tar`,
    bytes: 1,
    sha256: 's',
    manifestDigest: `sha256:${name}`,
    layerBytes: 1,
    cached: true,
    seconds: 0,
  });
  assert.deepEqual(imageIndex([img('pause', 'p:1'), img('coredns', 'c:1')]), [
    { ref: 'c:1', file: 'coredns.tar', manifestDigest: 'sha256:coredns' },
    { ref: 'p:1', file: 'pause.tar', manifestDigest: 'sha256:pause' },
  ]);
});

test('extra host files, links and directories land in the layer and count in the key', async (t) => {
  const { dir, binary, ca } = await fixture(t);
  const lib = join(dir, 'lib.so');
  await writeFile(lib, 'library');
  const extras = {
    files: [{ from: lib, to: '/usr/lib/x/lib.so', sha256: 'a'.repeat(64), mode: 0o755 }],
    symlinks: [{ to: '/usr/sbin/iptables', target: 'xtables-nft-multi' }],
    dirs: ['/run'],
  };
  const s = spec('kube-proxy');
  assert.notEqual(
    componentImageKey(s, { binary, caCertificates: ca, extras }),
    componentImageKey(s, { binary, caCertificates: ca }),
  );
  const img = await buildImageArchive(s, { binary, caCertificates: ca, extras, cacheRoot: dir });
  const entries = untar(await readFile(img.archivePath));
  const index = JSON.parse(entries.find((e) => e.name === 'manifest.json')?.data.toString() ?? '[]') as {
    Layers: string[];
  }[];
  const layerName = index[0]?.Layers[0];
  const layerTar = entries.find((e) => e.name === layerName);
  assert.ok(layerTar);
  const layer = untar(gunzipSync(layerTar.data));
  const find = (name: string): TarEntry | undefined => layer.find((e) => e.name === name);
  assert.equal(find('usr/lib/x/lib.so')?.mode, 0o755);
  assert.equal(find('usr/sbin/iptables')?.type, '2');
  assert.equal(find('run/')?.type, '5');
  assert.equal(find('usr/local/bin/kube-proxy')?.mode, 0o755);
});
