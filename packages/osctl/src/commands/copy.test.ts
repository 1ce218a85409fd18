import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '@bronze/machinery';
import { osctl, startFakeNode } from '../../test/fake-node.ts';

test('read prints a file byte for byte from one node; copy extracts or streams the tar.gz', async (t) => {
  const node = await startFakeNode(t, {});
  const src = join(node.dir, 'src');
  await mkdir(join(src, 'etc'), { recursive: true });
  await writeFile(join(src, 'etc', 'hosts'), '127.0.0.1 localhost\n');
  const archive = execFileSync('tar', ['-czf', '-', '-C', src, 'etc']);
  const served = await startFakeNode(t, {
    machine: {
      async *read(req) {
        await Promise.resolve();
        if (req.path === '/nope') throw new ApiError('not-found', 'open /nope: no such file or directory');
        yield { bytes: Buffer.from([0xff, 0x00, 0x41]) };
        yield { bytes: Buffer.from('\n') };
      },
      async *copy(req) {
        await Promise.resolve();
        if (req.rootPath !== '/etc') throw new ApiError('not-found', `${req.rootPath}: no such file`);
        for (let i = 0; i < archive.length; i += 100) yield { bytes: archive.subarray(i, i + 100) };
      },
    },
  });
  const chunks: Buffer[] = [];
  const io = { write: (b: Uint8Array) => chunks.push(Buffer.from(b)) };
  const read = await osctl(served, ['cat', '/etc/x', '-n', 'a'], io);
  assert.equal(read.code, 0, read.stderr);
  assert.deepEqual(Buffer.concat(chunks), Buffer.from([0xff, 0x00, 0x41, 0x0a]));
  const missing = await osctl(served, ['read', '/nope', '-n', 'a'], io);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^a: \/machine\.MachineService\/Read: open \/nope: no such file or directory\n/);
  const many = await osctl(served, ['read', '/x', '-n', 'a,b'], io);
  assert.equal(many.code, 2);
  assert.match(many.stderr, /read works on one node at a time, got 2: pass one with -n/);

  const copied = await osctl(served, ['cp', '/etc', 'out', '-n', 'a']);
  assert.equal(copied.code, 0, copied.stderr);
  assert.equal(await readFile(join(served.dir, 'out', 'etc', 'hosts'), 'utf8'), '127.0.0.1 localhost\n');
  const again = await osctl(served, ['copy', '/etc', 'out', '-n', 'a']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /failed to copy \/etc from a into .*out: EEXIST/);
  chunks.length = 0;
  const raw = await osctl(served, ['copy', '/etc', '-', '-n', 'a'], io);
  assert.equal(raw.code, 0, raw.stderr);
  assert.deepEqual(Buffer.concat(chunks), archive);
  const gone = await osctl(served, ['copy', '/gone', 'x', '-n', 'a']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /a: copy \/gone: \/machine\.MachineService\/Copy: \/gone: no such file/);
});
