import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { tarStream } from './tar.ts';
import { walkTree, type TreeEntry } from './tree.ts';

/** The repository the node image is named by when loaded into a container engine. */
export const ImageRepository = 'localhost/bronze/node';

export const MediaType = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
} as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciResult {
  manifest: Descriptor;
  config: Descriptor;
  layer: Descriptor;
  /** sha256 of the uncompressed layer (the config's diff_id). */
  diffId: string;
}

/** Fixed so the same tree gives the same image: the epoch, as reproducible-builds tools do. */
const Epoch = '1970-01-01T00:00:00Z';

function tap(hash: Hash, count: { n: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      count.n += chunk.length;
      done(null, chunk);
    },
  });
}

async function writeBlob(dir: string, data: Buffer, mediaType: string): Promise<Descriptor> {
  const hex = createHash('sha256').update(data).digest('hex');
  await writeFile(join(dir, 'blobs', 'sha256', hex), data, { mode: 0o644 });
  return { mediaType, digest: `sha256:${hex}`, size: data.length };
}

/** The run-time part of an image config (OCI image spec `config`), in its field names. */
export interface RuntimeConfig {
  Entrypoint: string[];
  Cmd?: string[];
  Env: string[];
  User?: string;
  WorkingDir: string;
  StopSignal?: string;
}

/**
 * The node image's: tini as pid 1, reaping orphans (containerd's shims re-parent to pid 1, and
 * Node.js cannot wait for children it did not spawn), with /sbin/init (machined) as its child.
 * `-s` makes tini a subreaper too, `--` ends its options.
 */
export const NodeRuntimeConfig: RuntimeConfig = {
  Entrypoint: ['/usr/bin/tini', '-s', '--', '/sbin/init'],
  Env: ['PATH=/usr/bin:/sbin:/opt/cni/bin'],
  WorkingDir: '/',
  StopSignal: 'SIGTERM',
};

export function imageConfig(diffId: string, runtime: RuntimeConfig = NodeRuntimeConfig): Record<string, unknown> {
  return {
    created: Epoch,
    architecture: 'amd64',
    os: 'linux',
    config: runtime,
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: Epoch, created_by: 'bronze imager' }],
  };
}

/**
 * Writes an OCI image layout in `dir` (oci-layout, index.json, blobs/sha256/...): the root file
 * system as one gzip'd tar layer (sorted, mtime 0, uid/gid 0) and a config (the node's, entrypoint
 * /sbin/init, unless `config` says otherwise). `ref` is the full image name (REPOSITORY:TAG) recorded for loaders.
 */
export async function writeOciLayout(
  root: string,
  entries: readonly TreeEntry[],
  options: { dir: string; ref: string; config?: RuntimeConfig; signal?: AbortSignal | undefined },
): Promise<OciResult> {
  const { dir } = options;
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  const tarCount = { n: 0 };
  const gzCount = { n: 0 };
  const tmp = join(dir, 'blobs', 'layer.tmp');
  await pipeline(
    Readable.from(tarStream(root, entries, options.signal)),
    tap(tarHash, tarCount),
    createGzip({ level: 6 }),
    tap(gzHash, gzCount),
    createWriteStream(tmp, { mode: 0o644 }),
    { signal: options.signal },
  );
  const layerHex = gzHash.digest('hex');
  await rename(tmp, join(dir, 'blobs', 'sha256', layerHex));
  const layer: Descriptor = { mediaType: MediaType.layer, digest: `sha256:${layerHex}`, size: gzCount.n };
  const diffId = `sha256:${tarHash.digest('hex')}`;
  const config = await writeBlob(
    dir,
    Buffer.from(JSON.stringify(imageConfig(diffId, options.config))),
    MediaType.config,
  );
  const manifestDoc = { schemaVersion: 2, mediaType: MediaType.manifest, config, layers: [layer] };
  const manifest = await writeBlob(dir, Buffer.from(JSON.stringify(manifestDoc)), MediaType.manifest);
  const annotations = { 'org.opencontainers.image.ref.name': options.ref, 'io.containerd.image.name': options.ref };
  const index = { schemaVersion: 2, mediaType: MediaType.index, manifests: [{ ...manifest, annotations }] };
  await writeFile(join(dir, 'index.json'), JSON.stringify(index), { mode: 0o644 });
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }), { mode: 0o644 });
  // The docker-archive index beside the OCI one, as `docker save` writes since Docker 25: Docker and
  // Podman then load the same tarball (ociArchive) with its name, through the CLI or the Engine API.
  const blobPath = (d: Descriptor): string => `blobs/sha256/${d.digest.slice('sha256:'.length)}`;
  const dockerIndex = [{ Config: blobPath(config), RepoTags: [options.ref], Layers: [blobPath(layer)] }];
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(dockerIndex), { mode: 0o644 });
  return { manifest, config, layer, diffId };
}

/**
 * The layout in `dir` as one tar stream (sorted, mtime 0): what `podman load`, `docker load` and the
 * Engine API's POST /images/load take.
 */
export async function* ociArchive(dir: string, signal?: AbortSignal): AsyncGenerator<Buffer> {
  yield* tarStream(dir, await walkTree(dir, signal), signal);
}
