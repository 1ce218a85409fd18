import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isImageError } from './image-error.ts';
import { parseLdd, resolveLibraries } from './libraries.ts';

const sample = `\tlinux-vdso.so.1 (0x00007ffd1a5f2000)
\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f4439000000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f4438d3e000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f44392f2000)
`;

test('parseLdd maps libraries and the loader into the image library directory, skipping the vdso', () => {
  assert.deepEqual(parseLdd(sample, '/usr/bin/node'), [
    {
      name: 'libstdc++.so.6',
      from: '/lib/x86_64-linux-gnu/libstdc++.so.6',
      to: '/lib/x86_64-linux-gnu/libstdc++.so.6',
    },
    { name: 'libc.so.6', from: '/lib/x86_64-linux-gnu/libc.so.6', to: '/lib/x86_64-linux-gnu/libc.so.6' },
    {
      name: '/lib64/ld-linux-x86-64.so.2',
      from: '/lib64/ld-linux-x86-64.so.2',
      to: '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
    },
  ]);
});

test('parseLdd fails on a library the host lacks, naming the binary', () => {
  assert.throws(
    () => parseLdd('\tlibfoo.so.1 => not found\n', '/usr/bin/etcd'),
    (err: unknown) =>
      isImageError(err) && err.message === '/usr/bin/etcd needs libfoo.so.1, which the build host does not have',
  );
});

test('resolveLibraries deduplicates across binaries and sorts by image path', async () => {
  const libs = await resolveLibraries([process.execPath, '/usr/bin/etcd']);
  const paths = libs.map((l) => l.to);
  assert.deepEqual(paths, [...new Set(paths)].sort());
  assert.ok(paths.includes('/lib/x86_64-linux-gnu/libc.so.6'));
  assert.ok(paths.includes('/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'));
});
