import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { iptablesExtras } from './iptables-files.ts';

const skip = existsSync('/usr/sbin/xtables-nft-multi') ? false : 'iptables is not installed: apt-get install iptables';

test('iptables brings both multi-call binaries, their extensions, libraries and loader', { skip }, async () => {
  const x = await iptablesExtras();
  const to = new Set(x.files.map((f) => f.to));
  for (const p of [
    '/usr/sbin/xtables-nft-multi',
    '/usr/sbin/xtables-legacy-multi',
    '/usr/lib/x86_64-linux-gnu/xtables/libxt_comment.so',
    '/usr/lib/x86_64-linux-gnu/xtables/libxt_conntrack.so',
    '/lib/x86_64-linux-gnu/libxtables.so.12',
    '/lib/x86_64-linux-gnu/libc.so.6',
    '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
  ])
    assert.ok(to.has(p), p);
  const links = new Map(x.symlinks.map((l) => [l.to, l.target]));
  assert.equal(links.get('/usr/sbin/iptables-restore'), 'xtables-nft-multi');
  assert.equal(links.get('/usr/sbin/iptables-legacy-save'), 'xtables-legacy-multi');
  assert.equal(links.get('/lib64/ld-linux-x86-64.so.2'), '../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2');
  assert.ok(x.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256)));
  assert.deepEqual(x.dirs, ['/run']);
});
