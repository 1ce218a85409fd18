import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stopOrder } from './stop-order.ts';

test('dependants stop before their dependencies, independent services together', () => {
  const deps = new Map<string, string[]>([
    ['containerd', []],
    ['machined', []],
    ['apid', ['containerd', 'machined']],
    ['etcd', ['containerd']],
    ['kubelet', ['containerd', 'etcd']],
  ]);
  assert.deepEqual(stopOrder(deps), [['apid', 'kubelet'], ['machined', 'etcd'], ['containerd']]);
  assert.deepEqual(stopOrder(new Map()), []);
});

test('every service appears once, after everything that depends on it', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.nat(), { maxLength: 4 }), { maxLength: 12 }), (raw) => {
      // Service i may depend only on services before it: no cycles, as registration guarantees.
      const deps = new Map(raw.map((ds, i) => [`s${i}`, i === 0 ? [] : [...new Set(ds.map((d) => `s${d % i}`))]]));
      const waves = stopOrder(deps);
      const at = new Map(waves.flatMap((w, n) => w.map((id) => [id, n] as const)));
      assert.equal(at.size, deps.size);
      assert.equal(waves.flat().length, deps.size);
      for (const [id, ds] of deps) for (const d of ds) assert.ok(at.get(id)! < at.get(d)!, `${id} before ${d}`);
    }),
  );
});
