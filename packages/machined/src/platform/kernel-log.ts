// Reads the host kernel log without blocking: /dev/kmsg gives one record per read and EAGAIN at its
// end when opened non-blocking; a regular file (a saved dmesg) is read to its end.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

const MaxRecords = 100_000;

export async function readKernelLog(path: string): Promise<{ lines: string[] } | { unavailable: string }> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { unavailable: unreadable(path, err) };
  }
  try {
    const lines: string[] = [];
    const buf = Buffer.alloc(64 * 1024);
    let rest = '';
    for (let i = 0; i < MaxRecords; i++) {
      let n: number;
      try {
        ({ bytesRead: n } = await handle.read(buf, 0, buf.length, null));
      } catch (err) {
        if (isCode(err, 'EAGAIN')) break;
        // EPIPE: records were overwritten while reading; what was read is still good.
        if (isCode(err, 'EPIPE')) continue;
        throw err;
      }
      if (n === 0) break;
      const text = rest + buf.toString('utf8', 0, n);
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l !== '').map(formatRecord));
    }
    if (rest !== '') lines.push(formatRecord(rest));
    return { lines };
  } catch (err) {
    return { unavailable: unreadable(path, err) };
  } finally {
    await handle.close();
  }
}

/** `6,1234,5678901,-;message` (a /dev/kmsg record) becomes `[    5.678901] message`. */
function formatRecord(record: string): string {
  const m = /^\d+,\d+,(\d+),[^;]*;(.*)$/.exec(record);
  if (m === null) return record;
  const us = Number(m[1]);
  return `[${(us / 1e6).toFixed(6).padStart(12)}] ${m[2] ?? ''}`;
}

function unreadable(path: string, err: unknown): string {
  const why = err instanceof Error ? err.message : String(err);
  return `the host kernel log ${path} is not readable by machined (${why}); dmesg needs read access to it on this platform`;
}

function isCode(err: unknown, code: string): boolean {
  return err instanceof Error && 'code' in err && err.code === code;
}
