// Imports OCI image archives (the node image's usr/share/bronze/images/*.tar) into a containerd
// namespace over containerd's gRPC API, as `ctr images import --no-unpack` does: a lease keeps the
// blobs from garbage collection while they are written (Content.Write, with the GC reference labels
// that tie a manifest to its config and layers), then Images.Create names the manifest. The CRI
// plugin unpacks an image on first use. An image that already exists with the same target is
// skipped, so importing at every boot costs one Get per image.
import { randomUUID } from 'node:crypto';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError, createClient, dial, isApiError, type CallOptions, type ClientOf } from '@bronze/machinery';
import { ChannelCredentials, Metadata } from '@grpc/grpc-js';
import { Content, WriteAction } from '../containerd/gen/containerd/services/content/v1/content_pb.ts';
import { Images } from '../containerd/gen/containerd/services/images/v1/images_pb.ts';
import { Leases } from '../containerd/gen/containerd/services/leases/v1/leases_pb.ts';
import { NamespaceHeader } from '../containerd/containerd-client.ts';
import { tarIndex, type TarEntry } from './tar-index.ts';

export interface ImportClients {
  content: ClientOf<typeof Content>;
  images: ClientOf<typeof Images>;
  leases: ClientOf<typeof Leases>;
}

export class ImageImportError extends Error {
  override readonly name = 'ImageImportError' as const;
}

export function isImageImportError(err: unknown): err is ImageImportError {
  return err instanceof Error && err.name === 'ImageImportError';
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface ImportResult {
  name: string;
  digest: string;
  /** `imported`, or `unchanged` when the image already pointed at this manifest. */
  outcome: 'imported' | 'unchanged';
  ms: number;
}

/** The annotation on an index entry that names the image (as ctr reads it). */
export const ImageNameAnnotation = 'io.containerd.image.name';
const ChunkBytes = 1 << 20;

function callOptions(namespace: string, lease: string | undefined, signal: AbortSignal | undefined): CallOptions {
  const metadata = new Metadata();
  metadata.set(NamespaceHeader, namespace);
  if (lease !== undefined) metadata.set('containerd-lease', lease);
  return { metadata, ...(signal === undefined ? {} : { signal }) };
}

async function readEntry(file: FileHandle, entry: TarEntry): Promise<Buffer> {
  const buf = Buffer.alloc(entry.size);
  await file.read(buf, 0, entry.size, entry.offset);
  return buf;
}

function descriptorOf(value: unknown, where: string): Descriptor {
  const d = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { mediaType, digest, size, annotations } = d;
  if (typeof mediaType !== 'string' || typeof digest !== 'string' || typeof size !== 'number')
    throw new ImageImportError(`${where}: not a descriptor (mediaType, digest, size): ${JSON.stringify(value)}`);
  return {
    mediaType,
    digest,
    size,
    ...(typeof annotations === 'object' && annotations !== null
      ? { annotations: annotations as Record<string, string> }
      : {}),
  };
}

function blobEntry(entries: Map<string, TarEntry>, digest: string, archive: string): TarEntry {
  const entry = entries.get(`blobs/${digest.replace(':', '/')}`);
  if (entry === undefined) throw new ImageImportError(`${archive}: blob ${digest} is missing from the archive`);
  return entry;
}

/** Writes one blob from the archive unless containerd has it; labels are set at commit. */
async function writeBlob(
  clients: ImportClients,
  blob: { file: FileHandle; entry: TarEntry; digest: string; labels: Record<string, string> },
  call: CallOptions,
): Promise<void> {
  const { file, entry, digest, labels } = blob;
  const ref = `bronze-import-${digest}-${randomUUID()}`;
  async function* requests() {
    for (let offset = 0; offset < entry.size;) {
      // A fresh buffer per message: the channel may serialize a message after the next one is read.
      const n = Math.min(ChunkBytes, entry.size - offset);
      const data = Buffer.alloc(n);
      await file.read(data, 0, n, entry.offset + offset);
      yield { action: WriteAction.WRITE, ref, total: BigInt(entry.size), offset: BigInt(offset), data };
      offset += n;
    }
    yield {
      action: WriteAction.COMMIT,
      ref,
      total: BigInt(entry.size),
      expected: digest,
      offset: BigInt(entry.size),
      labels,
    };
  }
  try {
    for await (const _ of clients.content.write(requests(), call)) {
      // one answer per request; the last one is the commit's
    }
  } catch (err) {
    if (!isApiError(err, 'already-exists')) throw err;
  }
}

/** Imports the image of one OCI archive (its first index entry) into `namespace`. */
export async function importImageArchive(
  clients: ImportClients,
  archive: string,
  options: { namespace: string; signal?: AbortSignal },
): Promise<ImportResult> {
  const started = Date.now();
  const file = await open(archive, 'r');
  try {
    const entries = await tarIndex(file, archive);
    const indexEntry = entries.get('index.json');
    if (indexEntry === undefined) throw new ImageImportError(`${archive}: no index.json: not an OCI image layout`);
    const index = JSON.parse((await readEntry(file, indexEntry)).toString('utf8')) as { manifests?: unknown[] };
    const target = descriptorOf(index.manifests?.[0], `${archive} index.json manifests[0]`);
    const name = target.annotations?.[ImageNameAnnotation];
    if (name === undefined || name === '')
      throw new ImageImportError(`${archive}: index.json manifests[0] has no ${ImageNameAnnotation} annotation`);
    const plain = callOptions(options.namespace, undefined, options.signal);
    const existing = await clients.images.get({ name }, plain).catch((err: unknown) => {
      if (isApiError(err, 'not-found')) return undefined;
      throw err;
    });
    if (existing?.image?.target?.digest === target.digest)
      return { name, digest: target.digest, outcome: 'unchanged', ms: Date.now() - started };
    const manifestEntry = blobEntry(entries, target.digest, archive);
    const manifest = JSON.parse((await readEntry(file, manifestEntry)).toString('utf8')) as Record<string, unknown>;
    const config = descriptorOf(manifest['config'], `${archive} manifest config`);
    const layers = (Array.isArray(manifest['layers']) ? manifest['layers'] : []).map((l, i) =>
      descriptorOf(l, `${archive} manifest layers[${String(i)}]`),
    );
    const lease = `bronze-import-${randomUUID()}`;
    const expire = new Date(Date.now() + 3_600_000).toISOString();
    await clients.leases.create({ id: lease, labels: { 'containerd.io/gc.expire': expire } }, plain);
    try {
      const call = callOptions(options.namespace, lease, options.signal);
      for (const d of [config, ...layers])
        await writeBlob(
          clients,
          { file, entry: blobEntry(entries, d.digest, archive), digest: d.digest, labels: {} },
          call,
        );
      const refs: Record<string, string> = { 'containerd.io/gc.ref.content.config': config.digest };
      layers.forEach((l, i) => (refs[`containerd.io/gc.ref.content.l.${String(i)}`] = l.digest));
      await writeBlob(clients, { file, entry: manifestEntry, digest: target.digest, labels: refs }, call);
      const image = {
        name,
        labels: { 'io.cri-containerd.image': 'managed' },
        target: { mediaType: target.mediaType, digest: target.digest, size: BigInt(target.size), annotations: {} },
      };
      if (existing === undefined) await clients.images.create({ image }, call);
      else await clients.images.update({ image, updateMask: { paths: ['target', 'labels'] } }, call);
    } finally {
      await clients.leases.delete({ id: lease }, plain).catch(() => undefined);
    }
    return { name, digest: target.digest, outcome: 'imported', ms: Date.now() - started };
  } catch (err) {
    if (isImageImportError(err) || err instanceof ApiError) throw err;
    throw new ImageImportError(`cannot import ${archive}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  } finally {
    await file.close();
  }
}

/** The `*.tar` archives of `dir`, sorted (none when the directory does not exist). */
export async function imageArchives(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  return names
    .filter((n) => n.endsWith('.tar'))
    .sort()
    .map((n) => join(dir, n));
}

/** Clients of the import's three containerd services on `socket`; `close` ends the channel. */
export function openImportClients(socket: string): ImportClients & { close(): void } {
  const channel = dial(`unix:${socket}`, { credentials: ChannelCredentials.createInsecure() });
  return {
    content: createClient(Content, channel),
    images: createClient(Images, channel),
    leases: createClient(Leases, channel),
    close: () => {
      channel.close();
    },
  };
}
