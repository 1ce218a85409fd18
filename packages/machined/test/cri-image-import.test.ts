// Imports a component image archive into a REAL containerd (Debian's, CRI off, temporary root) over
// its gRPC API, as the cri service does at boot: the image lands under its reference with the
// archive's manifest as target, ctr can read it, and a second import changes nothing.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { imageArchives, importImageArchive, isImageImportError, openImportClients } from '../src/cri/image-import.ts';
import { ContainerdBinary, exists, startContainerd } from './containerd-fixture.ts';

const run = promisify(execFile);
const imageCache = new URL('../../../.cache/component-images/', import.meta.url).pathname;

async function cachedArchive(prefix: string): Promise<string | undefined> {
  const names = await readdir(imageCache).catch(() => []);
  const name = names.find((n) => n.startsWith(prefix) && n.endsWith('.tar'));
  return name === undefined ? undefined : join(imageCache, name);
}

const archive = await cachedArchive('pause-');
const large = await cachedArchive('kube-scheduler-');
const skip =
  process.getuid?.() !== 0
    ? 'containerd needs root'
    : !(await exists(ContainerdBinary))
      ? 'containerd is not installed'
      : archive === undefined
        ? 'no pause image archive in .cache/component-images (run `osctl image components`)'
        : false;

test('an archive without index.json is refused naming the file', { skip }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-import-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const bad = join(dir, 'bad.tar');
  await writeFile(bad, Buffer.alloc(1024));
  const containerd = await startContainerd(t);
  const clients = openImportClients(containerd.socket);
  t.after(() => {
    clients.close();
  });
  await assert.rejects(importImageArchive(clients, bad, { namespace: 'k8s.io' }), (err: unknown) => {
    assert.ok(isImageImportError(err));
    assert.match(err.message, /bad\.tar: no index\.json/);
    return true;
  });
});

test('the pause archive imports into k8s.io under its reference, once', { skip, timeout: 60_000 }, async (t) => {
  assert.ok(archive !== undefined);
  const dir = await mkdtemp(join(tmpdir(), 'bronze-import-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'images'));
  await copyFile(archive, join(dir, 'images', 'pause.tar'));
  const containerd = await startContainerd(t);
  const clients = openImportClients(containerd.socket);
  t.after(() => {
    clients.close();
  });
  const [path] = await imageArchives(join(dir, 'images'));
  assert.ok(path !== undefined);
  const first = await importImageArchive(clients, path, { namespace: 'k8s.io' });
  assert.equal(first.name, 'registry.k8s.io/pause:3.10.1');
  assert.equal(first.outcome, 'imported');
  const again = await importImageArchive(clients, path, { namespace: 'k8s.io' });
  assert.equal(again.outcome, 'unchanged');
  assert.equal(again.digest, first.digest);
  const { stdout } = await run('/usr/bin/ctr', ['-a', containerd.socket, '-n', 'k8s.io', 'images', 'check']);
  assert.match(stdout, /registry\.k8s\.io\/pause:3\.10\.1\s.*complete/);
  assert.deepEqual(await imageArchives(join(dir, 'missing')), []);
});

test(
  'a layer of many chunks arrives whole (kube-scheduler)',
  { skip: skip || large === undefined, timeout: 120_000 },
  async (t) => {
    assert.ok(large !== undefined);
    const containerd = await startContainerd(t);
    const clients = openImportClients(containerd.socket);
    t.after(() => {
      clients.close();
    });
    const r = await importImageArchive(clients, large, { namespace: 'k8s.io' });
    assert.equal(r.name, 'registry.k8s.io/kube-scheduler:v1.34.10');
    const { stdout } = await run('/usr/bin/ctr', ['-a', containerd.socket, '-n', 'k8s.io', 'images', 'check']);
    assert.match(stdout, /kube-scheduler:v1\.34\.10\s.*complete/);
  },
);
