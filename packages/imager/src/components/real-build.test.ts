import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { buildComponent } from './build-component.ts';
import { kubernetesVersion, upstreamComponent } from './upstream-list.ts';

// Real builds take minutes on two cores: only with BRONZE_BUILD_COMPONENTS=1. They share the
// repository's cache (.cache/components), so a second run takes a second.
const skip = process.env['BRONZE_BUILD_COMPONENTS'] === '1' ? false : 'set BRONZE_BUILD_COMPONENTS=1 to build for real';
const run = promisify(execFile);

test('pause builds from upstream C and reproduces its recorded checksum', { skip, timeout: 120_000 }, async () => {
  const c = upstreamComponent('pause');
  assert.ok(c);
  const r = await buildComponent(c);
  assert.equal(r.checksum, 'match');
  const v = await run(r.path, ['-v']);
  assert.match(v.stdout, /^pause\.c v3\.10\.1/);
});

test(
  'kube-scheduler builds from k8s.io/kubernetes and reports the pinned version',
  { skip, timeout: 3_600_000 },
  async () => {
    const c = upstreamComponent('kube-scheduler');
    assert.ok(c);
    const r = await buildComponent(c, { onProgress: (l) => process.stderr.write(`${l}\n`) });
    assert.notEqual(r.checksum, 'mismatch');
    const v = await run(r.path, ['--version']);
    assert.match(v.stdout, new RegExp(`Kubernetes ${kubernetesVersion.replace(/\./g, '\\.')}`));
  },
);
