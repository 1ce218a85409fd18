// Engine calls for everything but containers: version, ping, networks, volumes, images.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { engineJson, engineRequest } from './engine-http.ts';
import { isEngineError } from './engine-error.ts';
import { hasAllLabels, labelFilters, type Labels } from './label-filter.ts';

export type { Labels } from './label-filter.ts';
interface Opts {
  signal?: AbortSignal;
}
const sig = (o: Opts | undefined) => (o?.signal ? { signal: o.signal } : {});

export interface EngineVersion {
  Version: string;
  ApiVersion: string;
  Os?: string;
  Components?: { Name: string; Version: string }[];
}

export const version = (sock: string, o?: Opts) =>
  engineJson<EngineVersion>(sock, { method: 'GET', path: '/version', ...sig(o) });

export async function ping(sock: string, o?: Opts): Promise<string> {
  return (await engineRequest(sock, { method: 'GET', path: '/_ping', ...sig(o) })).body.toString('utf8');
}

export interface NetworkSpec {
  name: string;
  /** e.g. 10.5.0.0/24 */
  subnet: string;
  gateway?: string;
  labels?: Labels;
}

export interface NetworkInfo {
  Id: string;
  Name: string;
  Driver: string;
  Labels: Labels | null;
  IPAM: { Config: { Subnet?: string; Gateway?: string }[] | null };
}

export async function createNetwork(sock: string, spec: NetworkSpec, o?: Opts): Promise<string> {
  const reply = await engineJson<{ Id: string }>(sock, {
    method: 'POST',
    path: '/networks/create',
    json: {
      Name: spec.name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: spec.labels ?? {},
      IPAM: {
        Driver: 'default',
        Config: [{ Subnet: spec.subnet, ...(spec.gateway ? { Gateway: spec.gateway } : {}) }],
      },
    },
    ...sig(o),
  });
  return reply.Id;
}

export const inspectNetwork = (sock: string, id: string, o?: Opts) =>
  engineJson<NetworkInfo>(sock, { method: 'GET', path: `/networks/${encodeURIComponent(id)}`, ...sig(o) });

/** Every network with all these labels. */
export async function listNetworks(sock: string, labels: Labels, o?: Opts): Promise<NetworkInfo[]> {
  const reply = await engineJson<NetworkInfo[]>(sock, {
    method: 'GET',
    path: '/networks',
    query: { filters: labelFilters(labels) },
    ...sig(o),
  });
  return reply.filter((n) => hasAllLabels(n.Labels, labels));
}

/** Removes a network; false when it was not there. */
export async function removeNetwork(sock: string, id: string, o?: Opts): Promise<boolean> {
  return gone(engineRequest(sock, { method: 'DELETE', path: `/networks/${encodeURIComponent(id)}`, ...sig(o) }));
}

export interface VolumeInfo {
  Name: string;
  Labels: Labels | null;
  Mountpoint: string;
}

export const createVolume = (sock: string, spec: { name: string; labels?: Labels }, o?: Opts) =>
  engineJson<VolumeInfo>(sock, {
    method: 'POST',
    path: '/volumes/create',
    json: { Name: spec.name, Labels: spec.labels ?? {} },
    ...sig(o),
  });

export async function listVolumes(sock: string, labels: Labels, o?: Opts): Promise<VolumeInfo[]> {
  const reply = await engineJson<{ Volumes: VolumeInfo[] | null }>(sock, {
    method: 'GET',
    path: '/volumes',
    query: { filters: labelFilters(labels) },
    ...sig(o),
  });
  return (reply.Volumes ?? []).filter((v) => hasAllLabels(v.Labels, labels));
}

/** Removes a volume (force: even while in use by a stopped container); false when not there. */
export async function removeVolume(sock: string, name: string, o?: Opts & { force?: boolean }): Promise<boolean> {
  return gone(
    engineRequest(sock, {
      method: 'DELETE',
      path: `/volumes/${encodeURIComponent(name)}`,
      query: { force: o?.force ?? false },
      ...sig(o),
    }),
  );
}

export interface ImageInfo {
  Id: string;
  RepoTags: string[] | null;
  Size: number;
  /** The uncompressed layers' digests (the image config's diff_ids). */
  RootFS?: { Type: string; Layers?: string[] };
}

/**
 * Loads an image archive (docker-archive, or an OCI layout tar where the engine supports it) from a
 * file path or a stream of tar chunks; returns the engine's report lines (`Loaded image: REF`).
 */
export async function loadImage(sock: string, archive: string | AsyncIterable<Buffer>, o?: Opts): Promise<string[]> {
  const res = await engineRequest(sock, {
    method: 'POST',
    path: '/images/load',
    query: { quiet: true },
    stream: typeof archive === 'string' ? createReadStream(archive) : Readable.from(archive),
    timeoutMs: 600_000,
    ...sig(o),
  });
  const lines: string[] = [];
  for (const line of res.body.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const m = JSON.parse(line) as { stream?: string; error?: string };
      if (m.error !== undefined) throw new Error(`POST /images/load: ${m.error}`);
      if (m.stream !== undefined) lines.push(m.stream.trim());
    } catch (err) {
      if (err instanceof SyntaxError) lines.push(line.trim());
      else throw err;
    }
  }
  return lines;
}

export const inspectImage = (sock: string, ref: string, o?: Opts) =>
  engineJson<ImageInfo>(sock, { method: 'GET', path: `/images/${encodeURIComponent(ref)}/json`, ...sig(o) });

/** Removes an image; false when it was not there. */
export async function removeImage(sock: string, ref: string, o?: Opts & { force?: boolean }): Promise<boolean> {
  return gone(
    engineRequest(sock, {
      method: 'DELETE',
      path: `/images/${encodeURIComponent(ref)}`,
      query: { force: o?.force ?? false },
      ...sig(o),
    }),
  );
}

/** True when the call succeeded, false on 404 (already gone); other errors propagate. */
export async function gone(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (err) {
    if (isEngineError(err, 404)) return false;
    throw err;
  }
}
