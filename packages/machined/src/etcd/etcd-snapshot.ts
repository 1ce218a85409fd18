// Snapshots: stream the backend database of a member to a writable (with the SHA-256 of the bytes
// written, so the receiver can check what it stored), and restore one into a fresh data directory.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { DefaultEtcdctlPath } from './etcd-binary.ts';
import type { EtcdClient } from './etcd-client.ts';
import { hasEtcdData, wipeEtcdData } from './etcd-data.ts';
import { EtcdError } from './etcd-error.ts';
import { initialClusterFlag } from './etcd-spec.ts';

export interface SnapshotResult {
  bytes: number;
  /** Hex SHA-256 of every byte written to the output. */
  sha256: string;
}

/**
 * Streams a snapshot from `client`'s member into `out` (respecting backpressure) and ends it; on
 * failure `out` is destroyed with the error, so a consumer never takes a truncated stream for a
 * whole one. etcd appends its own SHA-256 of the database to the stream, which restore verifies.
 */
export async function snapshot(
  client: EtcdClient,
  out: Writable,
  options: { signal?: AbortSignal } = {},
): Promise<SnapshotResult> {
  const hash = createHash('sha256');
  let bytes = 0;
  // etcd sends 32 KiB messages; writing them in batches of about 1 MiB saves most write calls.
  let batch: Uint8Array[] = [];
  let batched = 0;
  const flush = async (): Promise<void> => {
    const data = batch.length === 1 ? batch[0] : Buffer.concat(batch);
    batch = [];
    batched = 0;
    if (data !== undefined && !out.write(data))
      await once(out, 'drain', options.signal ? { signal: options.signal } : {});
  };
  try {
    for await (const chunk of client.snapshot(options)) {
      hash.update(chunk);
      bytes += chunk.length;
      batch.push(chunk);
      batched += chunk.length;
      if (batched >= 1 << 20) await flush();
    }
    if (bytes === 0) throw new Error('the member sent no data');
    await flush();
  } catch (err) {
    const failure = new EtcdError('snapshot', `snapshot from ${client.endpoint} failed after ${bytes} bytes`, {
      cause: err,
    });
    // The failure reaches the caller through this promise; the stream's error event must not
    // also crash a process whose caller did not listen for it.
    out.once('error', () => undefined);
    out.destroy(failure);
    throw failure;
  }
  out.end();
  await once(out, 'finish');
  return { bytes, sha256: hash.digest('hex') };
}

/**
 * Saves a snapshot to `path` (mode 0600): written to a temporary file beside it, flushed to disk,
 * then renamed, so `path` holds either nothing new or a whole snapshot. Refuses to replace an
 * existing file unless `force`.
 */
export async function saveSnapshot(
  client: EtcdClient,
  path: string,
  options: { signal?: AbortSignal; force?: boolean } = {},
): Promise<SnapshotResult> {
  if (options.force !== true && (await exists(path))) {
    throw new EtcdError('snapshot', `file ${path} already exists: choose another path or use --force to overwrite it`);
  }
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const out = createWriteStream(temp, { mode: 0o600, flags: 'wx', flush: true });
  // Opened before anything else, so that a failure below closes a file that exists.
  await once(out, 'open');
  try {
    const result = await snapshot(client, out, options);
    await rename(temp, path);
    return result;
  } finally {
    // events.once would reject on the error event the failed stream emits first: wait for close.
    if (!out.closed)
      await new Promise<void>((resolve) =>
        out.once('close', () => {
          resolve();
        }),
      );
    await rm(temp, { force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export interface RestoreOptions {
  /** The snapshot file (from EtcdSnapshot, or a member's `member/snap/db` with skipHashCheck). */
  snapshot: string;
  /** Must not hold data. */
  dataDir: string;
  name: string;
  peerUrl: string;
  /** `etcdutl` or `etcdctl` (snapshotRestoreTool); Debian's etcdctl unless told. */
  etcdctl?: string;
  /** Accept a database without etcd's appended hash (copied from a data directory). */
  skipHashCheck?: boolean;
  signal?: AbortSignal;
}

/**
 * Restores `snapshot` into `dataDir` as a single-member cluster of `name`. The restore itself is
 * etcd's own upstream tool (`etcdutl snapshot restore`, or `etcdctl` for etcd 3.4), run as a
 * subprocess: rewriting the membership inside the bolt database is etcd's logic, not Bronze's.
 */
export async function restoreSnapshot(options: RestoreOptions): Promise<void> {
  const { dataDir, name, peerUrl } = options;
  if (await hasEtcdData(dataDir)) {
    throw new EtcdError('data-exists', `cannot restore into ${dataDir}: it holds data; reset the node first`);
  }
  // The tool creates the directory itself and refuses an existing one, even empty.
  await rmdir(dataDir).catch(() => undefined);
  const etcdctl = options.etcdctl ?? DefaultEtcdctlPath;
  const args = [
    'snapshot',
    'restore',
    options.snapshot,
    `--data-dir=${dataDir}`,
    `--name=${name}`,
    `--initial-cluster=${initialClusterFlag([{ name, peerUrl }])}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    ...(options.skipHashCheck === true ? ['--skip-hash-check=true'] : []),
  ];
  await runEtcdctl(etcdctl, args, options).catch(async (err: unknown) => {
    // Leave no half-restored directory behind: it held no data before this call.
    await wipeEtcdData(dataDir);
    throw err;
  });
}

function runEtcdctl(etcdctl: string, args: string[], options: RestoreOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile(
      etcdctl,
      args,
      { env: { ETCDCTL_API: '3' }, timeout: 300_000, ...(options.signal ? { signal: options.signal } : {}) },
      (err, _stdout, stderr) => {
        if (err === null) {
          resolve();
          return;
        }
        // The tool logs JSON lines before the error: keep the plain lines, which say what failed.
        const lines = stderr.trim().split('\n');
        const plain = lines.filter((l) => !l.startsWith('{'));
        const detail = (plain.length > 0 ? plain : lines).slice(-2).join('; ');
        reject(
          new EtcdError('snapshot', `cannot restore etcd snapshot ${options.snapshot}: ${detail || err.message}`, {
            cause: err,
          }),
        );
      },
    );
  });
}
