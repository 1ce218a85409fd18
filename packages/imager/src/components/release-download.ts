// A component's official release binary, for machines that can reach it: downloaded once into the
// component cache and refused unless its SHA-256 is the one the pinned list gives.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ImageError } from '../image-error.ts';
import type { ReleaseBinary } from './upstream-component.ts';

/** Downloads `release.url` to `out` (0755), checking its digest; nothing is left at `out` on failure. */
export async function downloadRelease(
  release: ReleaseBinary,
  out: string,
  options: { signal?: AbortSignal; progress?: (line: string) => void } = {},
): Promise<void> {
  options.progress?.(`downloading ${release.url}`);
  let reply: Response;
  try {
    reply = await fetch(release.url, options.signal ? { signal: options.signal } : {});
  } catch (err) {
    throw new ImageError(
      'tool-failed',
      `cannot download ${release.url}: ${err instanceof Error ? err.message : String(err)}; without internet access build from source (--from source)`,
      { cause: err },
    );
  }
  if (!reply.ok || reply.body === null) {
    throw new ImageError(
      'tool-failed',
      `cannot download ${release.url}: HTTP ${String(reply.status)} ${reply.statusText}`,
    );
  }
  const hash = createHash('sha256');
  try {
    const body = Readable.fromWeb(reply.body as WebReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => hash.update(chunk));
    await pipeline(body, createWriteStream(out, { mode: 0o755 }), options.signal ? { signal: options.signal } : {});
    const got = hash.digest('hex');
    if (got !== release.sha256) {
      throw new ImageError(
        'checksum-mismatch',
        `${release.url} has sha256 ${got}, the pinned list says ${release.sha256}: refused (a changed or corrupted download; check the release's published checksum)`,
      );
    }
    await chmod(out, 0o755);
  } catch (err) {
    await rm(out, { force: true });
    throw err;
  }
}
