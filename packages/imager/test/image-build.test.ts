// One real build of the node image, shared by every check below (a cold build takes about a minute),
// plus a forced rebuild into a second cache to prove the bytes are reproducible.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { encodePrivateKeyPem, generatePrivateKey } from '@bronze/machinery';
import {
  auditRootfs,
  buildImage,
  componentImageSpecs,
  kubernetesVersion,
  nodeImageArchives,
  hasTool,
  imageRef,
  ociArchive,
  isImageError,
  OciMediaType,
  signImage,
  signingKey,
  verifyImage,
  verifyKey,
  type BuildResult,
} from '@bronze/imager';

const podmanSkip =
  spawnSync('podman', ['info'], { timeout: 60_000 }).status === 0
    ? false
    : 'podman is not installed or not usable here';

const skip = (await hasTool('mksquashfs', '-version'))
  ? false
  : 'mksquashfs is not installed; install it with: apt-get install squashfs-tools (or run scripts/setup-host)';

async function sha256Of(path: string, gunzip = false): Promise<string> {
  const hash = createHash('sha256');
  const file = createReadStream(path);
  const source = gunzip ? file.pipe(createGunzip()) : file;
  for await (const c of source) hash.update(c as Buffer);
  return hash.digest('hex');
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

async function blob(oci: string, d: Descriptor): Promise<string> {
  const path = join(oci, 'blobs', 'sha256', d.digest.replace(/^sha256:/, ''));
  assert.equal((await stat(path)).size, d.size, `size of ${d.digest}`);
  assert.equal(`sha256:${await sha256Of(path)}`, d.digest, `content of ${d.digest}`);
  return path;
}

describe('a real node image build', { skip }, () => {
  let dir = '';
  let first: BuildResult;
  let rootfs = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imager-build-'));
    first = await buildImage({ outDir: join(dir, 'out'), cacheDir: join(dir, 'cache') });
    rootfs = join(dir, 'rootfs');
    const r = spawnSync('unsquashfs', ['-d', rootfs, '-no-xattrs', '-no-progress', first.squashfs], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('holds no shell, busybox or coreutils, and every ELF finds its loader and libraries', async () => {
    const audit = await auditRootfs(rootfs);
    assert.deepEqual(audit.errors, []);
    assert.ok(audit.elfFiles >= 20, `only ${String(audit.elfFiles)} ELF files`);
    const all = spawnSync('find', [rootfs, '-name', 'sh', '-o', '-name', 'bash', '-o', '-name', 'busybox'], {
      encoding: 'utf8',
    });
    assert.equal(all.stdout, '');
    for (const p of ['usr/bin/node', 'usr/bin/etcd', 'usr/bin/containerd', 'usr/bin/runc', 'opt/cni/bin/bridge'])
      assert.ok((await stat(join(rootfs, p))).isFile(), p);
    for (const p of ['system/state', 'system/run', 'var']) assert.ok((await stat(join(rootfs, p))).isDirectory(), p);
    assert.match(await readFile(join(rootfs, 'etc/os-release'), 'utf8'), /^NAME="Bronze"\nID=bronze\n/);
    assert.ok((await stat(join(rootfs, 'etc/ssl/certs/ca-certificates.crt'))).size > 1000);
  });

  it('carries kubelet, the flannel CNI plugin and every component image, listed in the boot index', async () => {
    const v = spawnSync(join(rootfs, 'usr/bin/kubelet'), ['--version'], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, new RegExp(`^Kubernetes ${kubernetesVersion.replace(/\./g, '\\.')}`));
    assert.ok((await stat(join(rootfs, 'opt/cni/bin/flannel'))).size > 1_000_000);
    const archives = await nodeImageArchives(rootfs);
    assert.deepEqual(archives.map((a) => a.ref).sort(), componentImageSpecs.map((s) => s.ref).sort());
    for (const a of archives) {
      assert.ok(a.archivePath.startsWith(join(rootfs, 'usr/share/bronze/images/')), a.archivePath);
      assert.ok((await stat(a.archivePath)).isFile(), a.archivePath);
    }
    const sizes = first.sizeReport.components.map((c) => c.component);
    for (const name of ['kubelet', 'flannel-cni', 'image kube-apiserver', 'image pause'])
      assert.ok(sizes.includes(name), name);
  });

  it(
    'runs its own node, etcd and runc with only the libraries inside it',
    { skip: process.getuid?.() !== 0 && 'chroot needs root' },
    () => {
      for (const [bin, arg, want] of [
        ['/usr/bin/node', '--version', /^v24\./],
        ['/usr/bin/etcd', '--version', /etcd Version: 3\.6\.5/],
        ['/usr/bin/etcdutl', 'version', /etcdutl version: 3\.6\.5/],
        ['/usr/bin/runc', '--version', /runc version/],
        // The kubelet mounts tmpfs for secret and projected volumes with mount(8).
        ['/usr/bin/mount', '--version', /mount from util-linux/],
      ] as const) {
        const r = spawnSync('chroot', [rootfs, bin, arg], { encoding: 'utf8' });
        assert.equal(r.status, 0, `${bin}: ${r.stderr}`);
        assert.match(r.stdout, want);
      }
    },
  );

  it('writes a valid OCI image layout whose digests and sizes match the blobs', async () => {
    const oci = first.oci;
    assert.deepEqual(JSON.parse(await readFile(join(oci, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(await readFile(join(oci, 'index.json'), 'utf8')) as {
      schemaVersion: number;
      manifests: (Descriptor & { annotations: Record<string, string> })[];
    };
    assert.equal(index.schemaVersion, 2);
    assert.equal(index.manifests.length, 1);
    const m = index.manifests[0];
    assert.ok(m !== undefined);
    assert.equal(m.mediaType, OciMediaType.manifest);
    assert.ok(m.annotations['org.opencontainers.image.ref.name']);
    const manifest = JSON.parse(await readFile(await blob(oci, m), 'utf8')) as {
      config: Descriptor;
      layers: Descriptor[];
    };
    assert.equal(manifest.config.mediaType, OciMediaType.config);
    const config = JSON.parse(await readFile(await blob(oci, manifest.config), 'utf8')) as {
      config: { Entrypoint: string[] };
      rootfs: { diff_ids: string[] };
      os: string;
      architecture: string;
    };
    assert.deepEqual(config.config.Entrypoint, ['/usr/bin/tini', '-s', '--', '/sbin/init']);
    assert.equal(`${config.os}/${config.architecture}`, 'linux/amd64');
    assert.equal(manifest.layers.length, 1);
    const layerDesc = manifest.layers[0];
    assert.ok(layerDesc !== undefined);
    assert.equal(layerDesc.mediaType, OciMediaType.layer);
    const layer = await blob(oci, layerDesc);
    assert.deepEqual(config.rootfs.diff_ids, [`sha256:${await sha256Of(layer, true)}`]);
    const blobs = await readdir(join(oci, 'blobs', 'sha256'));
    assert.deepEqual(blobs.sort(), [m, manifest.config, layerDesc].map((d) => d.digest.slice(7)).sort());
    const docker = JSON.parse(await readFile(join(oci, 'manifest.json'), 'utf8')) as unknown;
    assert.deepEqual(docker, [
      {
        Config: `blobs/sha256/${manifest.config.digest.slice(7)}`,
        RepoTags: [imageRef()],
        Layers: [`blobs/sha256/${layerDesc.digest.slice(7)}`],
      },
    ]);
    const list = spawnSync('tar', ['-tzvf', layer, '--numeric-owner'], { encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(list.status, 0, list.stderr);
    const lines = list.stdout.trim().split('\n');
    assert.ok(
      lines.every((l) => l.includes(' 0/0 ')),
      'every entry owned by 0/0',
    );
    assert.ok(lines.some((l) => l.endsWith(' usr/bin/node')));
    assert.ok(!lines.some((l) => / (bin\/sh|.*\/bash|.*busybox)$/.test(l)));
  });

  it('loads into podman as an archive and runs the node inside it', { skip: podmanSkip }, async (t) => {
    const copy = join(dir, 'oci-podman');
    await cp(first.oci, copy, { recursive: true });
    const name = `localhost/bronze/node-test:p${String(process.pid)}`;
    for (const file of ['index.json', 'manifest.json']) {
      const text = await readFile(join(copy, file), 'utf8');
      await writeFile(join(copy, file), text.replaceAll(imageRef(), name));
    }
    const load = spawn('podman', ['load'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const output: Buffer[] = [];
    load.stdout.on('data', (c: Buffer) => output.push(c));
    load.stderr.on('data', (c: Buffer) => output.push(c));
    t.after(() => spawnSync('podman', ['rmi', '--force', name]));
    await pipeline(Readable.from(ociArchive(copy)), load.stdin);
    const [code] = (await once(load, 'close')) as [number];
    assert.equal(code, 0, Buffer.concat(output).toString());
    assert.match(Buffer.concat(output).toString(), new RegExp(`Loaded image: ${name}`));
    const run = spawnSync(
      'podman',
      [
        'run',
        '--rm',
        '--pull=never',
        '--network=none',
        '--ulimit=nofile=1024:1024',
        '--ulimit=nproc=1024:1024',
        '--entrypoint=/usr/bin/node',
        name,
        '-p',
        'require("fs").readdirSync("/").sort().join(",")',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^dev,etc,lib,lib64,opt,proc,run,(sbin,)?sys,system,tmp,usr,var\n$/);
  });

  it('writes the SHA-256 and a size report whose largest component is node', async () => {
    assert.equal(await readFile(`${first.squashfs}.sha256`, 'utf8'), `${first.sha256}  rootfs.squashfs\n`);
    assert.equal(await sha256Of(first.squashfs), first.sha256);
    const report = JSON.parse(
      await readFile(join(first.outDir, 'size-report.json'), 'utf8'),
    ) as typeof first.sizeReport;
    assert.equal(report.components[0]?.component, 'node');
    assert.equal(report.squashfsBytes, (await stat(first.squashfs)).size);
    const strip = report.stripped[0];
    assert.ok(strip !== undefined && strip.after < strip.before, 'node is stripped');
  });

  it('verifies when signed, and fails on a flipped byte and on another key', async () => {
    const pem = encodePrivateKeyPem(await generatePrivateKey('ed25519'));
    const other = encodePrivateKeyPem(await generatePrivateKey('ed25519'));
    const copy = join(dir, 'signed.squashfs');
    await copyFile(first.squashfs, copy);
    const sig = await signImage(copy, signingKey(pem, 'k'));
    assert.equal(sig.sha256, first.sha256);
    await verifyImage(copy, sig, verifyKey(pem, 'k'));
    await assert.rejects(verifyImage(copy, sig, verifyKey(other, 'other')), /does not verify with/);
    const data = await readFile(copy);
    data[data.length >> 1] = (data[data.length >> 1] ?? 0) ^ 0x10;
    await writeFile(copy, data);
    await assert.rejects(
      verifyImage(copy, sig, verifyKey(pem, 'k')),
      (err: unknown) => isImageError(err) && err.code === 'digest-mismatch',
    );
  });

  it('comes from the cache when built again with the same inputs', async () => {
    const started = Date.now();
    const again = await buildImage({ outDir: join(dir, 'again'), cacheDir: join(dir, 'cache') });
    assert.equal(again.cached, true);
    assert.equal(again.sha256, first.sha256);
    assert.ok(Date.now() - started < 30_000, `a cached build took ${String(Date.now() - started)}ms`);
  });

  it('refuses to replace a different image in the out directory without force', async () => {
    const manifestPath = join(first.outDir, 'manifest.json');
    const m = JSON.parse(await readFile(manifestPath, 'utf8')) as { key: string };
    await writeFile(manifestPath, JSON.stringify({ ...m, key: 'other' }));
    await assert.rejects(
      buildImage({ outDir: first.outDir, cacheDir: join(dir, 'cache') }),
      (err: unknown) => isImageError(err) && err.code === 'output-exists' && err.message.includes('--force'),
    );
  });

  it('is reproducible: a forced rebuild in a fresh cache gives the same bytes', async () => {
    const second = await buildImage({ outDir: join(dir, 'second'), cacheDir: join(dir, 'cache2'), force: true });
    assert.equal(second.cached, false);
    assert.equal(second.sha256, first.sha256);
    assert.equal(second.manifest.oci.layer, first.manifest.oci.layer);
    assert.equal(second.manifest.oci.manifest, first.manifest.oci.manifest);
  });
});
