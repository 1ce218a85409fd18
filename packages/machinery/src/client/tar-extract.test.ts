import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { extractTarGz, isArchiveError } from './tar-extract.ts';

async function temp(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-tar-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function* chunks(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  await Promise.resolve();
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

function header(name: string, type: string, size: number, link = ''): Buffer {
  const b = Buffer.alloc(512);
  b.write(name, 0);
  b.write('0000644\0', 100);
  b.write(size.toString(8).padStart(11, '0') + '\0', 124);
  b.write(type, 156);
  b.write(link, 157);
  b.write('ustar\x0000', 257);
  return b;
}

test('extracts files, directories, links and long names, in chunks of any size', async (t) => {
  const src = await temp(t);
  await mkdir(join(src, 'etc', 'deep'.repeat(30)), { recursive: true });
  await writeFile(join(src, 'etc', 'hosts'), '127.0.0.1 localhost\n');
  await writeFile(join(src, 'etc', 'deep'.repeat(30), 'big'), Buffer.alloc(70_000, 7));
  await writeFile(join(src, 'etc', 'empty'), '');
  execFileSync('ln', ['-s', 'hosts', join(src, 'etc', 'hosts.link')]);
  const archive = execFileSync('tar', ['-czf', '-', '-C', src, 'etc']);
  for (const size of [1, 511, 4096, archive.length]) {
    const out = await temp(t);
    const count = await extractTarGz(chunks(archive, size), out);
    assert.equal(count, 6, `chunk size ${String(size)}`);
    assert.equal(await readFile(join(out, 'etc', 'hosts'), 'utf8'), '127.0.0.1 localhost\n');
    assert.equal((await readFile(join(out, 'etc', 'deep'.repeat(30), 'big'))).length, 70_000);
    assert.equal((await stat(join(out, 'etc', 'empty'))).size, 0);
    assert.equal(await readlink(join(out, 'etc', 'hosts.link')), 'hosts');
  }
});

test('refuses entries that escape the directory or go through a link, and truncated archives', async (t) => {
  const escape = gzipSync(Buffer.concat([header('../evil', '0', 1), Buffer.alloc(512), Buffer.alloc(1024)]));
  await assert.rejects(
    extractTarGz(chunks(escape, 100), await temp(t)),
    (e: unknown) => isArchiveError(e) && /points outside/.test(e.message),
  );
  const through = gzipSync(
    Buffer.concat([header('l', '2', 0, '/etc'), header('l/passwd', '0', 1), Buffer.alloc(512), Buffer.alloc(1024)]),
  );
  await assert.rejects(extractTarGz(chunks(through, 100), await temp(t)), /written through the link/);
  const cut = gzipSync(header('f', '0', 2000));
  await assert.rejects(extractTarGz(chunks(cut, 100), await temp(t)), /ended in the middle of an entry/);
  await assert.rejects(extractTarGz(chunks(Buffer.from('not gzip'), 100), await temp(t)), /incorrect header check/);
});
