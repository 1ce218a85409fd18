// A read-only OCI registry for tests (the distribution API's pull side: /v2/, manifests and blobs by
// tag or digest, GET and HEAD). It serves one image it builds itself: a single uncompressed layer
// holding a static binary at /NAME, so every digest is new to a node and a pull fetches it all. No
// registry is reachable from these machines, so this is what a node's registry mirror points at.
// It records every request, so a test can tell the mirror was used.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

const sha256 = (data: Buffer): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Blobs by digest and the manifest's descriptor of a one-layer image running `binary` as /NAME. */
async function buildImage(
  dir: string,
  binary: string,
  tag: string,
): Promise<{ blobs: Map<string, Buffer>; manifest: Descriptor }> {
  const root = join(dir, 'rootfs');
  await mkdir(root);
  const name = basename(binary);
  await copyFile(binary, join(root, name));
  const { stdout: layer } = await promisify(execFile)(
    'tar',
    ['--create', '--numeric-owner', '--owner=0', '--group=0', '--mtime=@0', '-C', root, name],
    { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
  );
  const layerDigest = sha256(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Entrypoint: [`/${name}`], Labels: { 'bronze.test/tag': tag } },
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
    }),
  );
  const blobs = new Map<string, Buffer>([
    [layerDigest, layer],
    [sha256(config), config],
    [sha256(manifest), manifest],
  ]);
  return {
    blobs,
    manifest: {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: sha256(manifest),
      size: manifest.length,
    },
  };
}

export interface TestRegistry {
  /** host:port as a mirror endpoint names it. */
  host: string;
  /** Paths requested, in order (`GET /v2/e2e/agnhost/manifests/mirrored`). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves an image of `binary` (static: the image has nothing else) as `repository:tag` on `address`
 * (a port of 0 picks one). Its build directory is removed by close().
 */
export async function startTestRegistry(options: {
  binary: string;
  repository: string;
  tag: string;
  address: string;
  port?: number;
}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-registry-'));
  try {
    const { blobs, manifest } = await buildImage(dir, options.binary, options.tag);
    const requests: string[] = [];

    const server: Server = createServer((req, res) => {
      const method = req.method ?? 'GET';
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      requests.push(`${method} ${path}`);
      const notFound = (code: string): void => {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code, message: `${path} is not here` }] }));
      };
      if (method !== 'GET' && method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      if (path === '/v2/' || path === '/v2') {
        res.writeHead(200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
        res.end(method === 'HEAD' ? undefined : '{}');
        return;
      }
      const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
      if (m === null || m[1] !== options.repository) {
        notFound('NAME_UNKNOWN');
        return;
      }
      const [kind, ref] = [m[2], m[3] ?? ''];
      let digest: string;
      let type = 'application/octet-stream';
      if (kind === 'manifests') {
        if (ref !== options.tag && ref !== manifest.digest) {
          notFound('MANIFEST_UNKNOWN');
          return;
        }
        digest = manifest.digest;
        type = manifest.mediaType;
      } else digest = ref;
      const body = blobs.get(digest);
      if (body === undefined) {
        notFound(kind === 'manifests' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN');
        return;
      }
      res.writeHead(200, {
        'content-type': type,
        'content-length': String(body.length),
        'docker-content-digest': digest,
      });
      res.end(method === 'HEAD' ? undefined : body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.address, () => {
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    return {
      host: `${options.address}:${String(port)}`,
      requests,
      close: async () => {
        server.closeAllConnections();
        await new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        );
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
