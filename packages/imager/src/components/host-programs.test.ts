import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostProgramExtras, mergeExtras } from './host-programs.ts';

test('a missing host program is an error naming it', async () => {
  await assert.rejects(hostProgramExtras([{ from: '/nonexistent/cp', to: '/bin/cp' }]), /nonexistent\/cp/);
});

test('a host program brings its libraries and the loader link', async () => {
  const x = await hostProgramExtras([{ from: '/usr/bin/cp', to: '/bin/cp' }]);
  const to = x.files.map((f) => f.to);
  assert.ok(to.includes('/bin/cp'));
  assert.ok(to.includes('/lib/x86_64-linux-gnu/libc.so.6'));
  assert.deepEqual(x.symlinks, [
    { to: '/lib64/ld-linux-x86-64.so.2', target: '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2' },
  ]);
});

test('merged extras keep one entry per image path, sorted, the first winning', () => {
  const f = (to: string, sha256: string): { from: string; to: string; sha256: string; mode: number } => ({
    from: `/host${to}`,
    to,
    sha256,
    mode: 0o755,
  });
  const merged = mergeExtras(
    { files: [f('/b', '1'), f('/a', '1')], symlinks: [{ to: '/l', target: 'a' }], dirs: ['/run'] },
    { files: [f('/a', '2'), f('/c', '2')], symlinks: [{ to: '/l', target: 'b' }], dirs: ['/run', '/tmp'] },
  );
  assert.deepEqual(
    merged.files.map((x) => [x.to, x.sha256]),
    [
      ['/a', '1'],
      ['/b', '1'],
      ['/c', '2'],
    ],
  );
  assert.deepEqual(merged.symlinks, [{ to: '/l', target: 'a' }]);
  assert.deepEqual(merged.dirs, ['/run', '/tmp']);
});
