import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSizeReport, sizeReport } from './size-report.ts';

test('sizeReport sums per component, biggest first, and keeps the largest files', () => {
  const r = sizeReport(
    [
      { path: '/usr/bin/node', component: 'node', bytes: 600 },
      { path: '/opt/cni/bin/a', component: 'cni', bytes: 100 },
      { path: '/opt/cni/bin/b', component: 'cni', bytes: 300 },
    ],
    { squashfsBytes: 400, ociLayerBytes: 450, stripped: [{ path: '/usr/bin/node', before: 900, after: 600 }] },
  );
  assert.equal(r.rootfsBytes, 1000);
  assert.deepEqual(
    r.components.map((c) => [c.component, c.files, c.bytes, c.share]),
    [
      ['node', 1, 600, 0.6],
      ['cni', 2, 400, 0.4],
    ],
  );
  assert.deepEqual(
    r.largestFiles.map((f) => f.path),
    ['/usr/bin/node', '/opt/cni/bin/b', '/opt/cni/bin/a'],
  );
  const text = formatSizeReport(r);
  assert.match(text, /^COMPONENT\s+FILES\s+SIZE\s+SHARE\nnode\s+1\s+0\.0 MiB\s+60\.0%\ncni\s+2/);
  assert.match(text, /stripped \/usr\/bin\/node/);
});
