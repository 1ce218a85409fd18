import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@bronze/machinery';
import { nodeOf, osctl, startFakeNode } from '../../test/fake-node.ts';

test('list prints names, or modes, owners, sizes and times with -l; usage lists sizes', async (t) => {
  const seen: unknown[] = [];
  const node = await startFakeNode(t, {
    machine: {
      async *list(req, ctx) {
        await Promise.resolve();
        seen.push({ root: req.root, recurse: req.recurse, depth: req.recursionDepth, types: req.types });
        if (req.root === '/nope') throw new ApiError('not-found', 'lstat /nope: no such file or directory');
        yield { name: '/var', relativeName: '.', isDir: true, mode: 0o40755, size: 4096n, modified: 1767225600n };
        yield { name: '/var/log', relativeName: 'log', isDir: true, mode: 0o40750, size: 4096n, modified: 1767225600n };
        yield {
          name: '/var/run',
          relativeName: 'run',
          mode: 0o120777,
          link: '/run',
          size: 4n,
          modified: 1767225600n,
          uid: 0,
          gid: 0,
        };
        yield { name: '/var/secret', relativeName: 'secret', error: `permission denied on ${nodeOf(ctx)}` };
      },
      async *diskUsage(req) {
        await Promise.resolve();
        for (const p of req.paths) yield { name: p, size: 1_500_000n, relativeName: p };
      },
    },
  });
  const short = await osctl(node, ['ls', '/var', '-n', 'a']);
  assert.equal(short.code, 1);
  assert.equal(short.stdout, 'NODE   NAME\na      .\na      log\na      run -> /run\n');
  assert.equal(short.stderr, 'a: /var/secret: permission denied on a\nerror: the node failed; see the errors above\n');
  const long = await osctl(node, ['list', '/var', '-l', '-H', '-n', 'a']);
  assert.equal(
    long.stdout,
    'NODE   MODE         UID   GID   SIZE(B)   LASTMOD                NAME\n' +
      'a      drwxr-xr-x   0     0     4.1 kB    Jan  1 2026 00:00:00   .\n' +
      'a      drwxr-x---   0     0     4.1 kB    Jan  1 2026 00:00:00   log\n' +
      'a      Lrwxrwxrwx   0     0     4 B       Jan  1 2026 00:00:00   run -> /run\n',
  );
  await osctl(node, ['ls', '-r', '-t', 'f', 'd', '-n', 'a']);
  await osctl(node, ['ls', '/x', '-d', '3', '-n', 'a']);
  assert.deepEqual(seen.slice(2), [
    { root: '/', recurse: true, depth: 0, types: [0, 1] },
    { root: '/x', recurse: true, depth: 3, types: [] },
  ]);
  const missing = await osctl(node, ['ls', '/nope', '-n', 'a']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^a: \/machine\.MachineService\/List: lstat \/nope: no such file or directory\n/);
  assert.equal((await osctl(node, ['ls', '-t', 'x'])).code, 2);
  const du = await osctl(node, ['du', '/var', '/etc', '-H', '-n', 'a']);
  assert.equal(du.code, 0, du.stderr);
  assert.equal(du.stdout, 'NODE   NAME   SIZE\na      /var   1.5 MB\na      /etc   1.5 MB\n');
});
