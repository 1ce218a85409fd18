import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError } from '@bronze/machinery';
import { targetOf, Upstreams } from './upstreams.ts';

test('node values become host:port targets', () => {
  assert.equal(targetOf('10.5.0.3', 50000), '10.5.0.3:50000');
  assert.equal(targetOf('10.5.0.3:6000', 50000), '10.5.0.3:6000');
  assert.equal(targetOf('node-1.example', 50000), 'node-1.example:50000');
  assert.equal(targetOf('fd00::3', 50000), '[fd00::3]:50000');
  assert.equal(targetOf('[fd00::3]', 50000), '[fd00::3]:50000');
  assert.equal(targetOf('[fd00::3]:7000', 50000), '[fd00::3]:7000');
});

test('without client material there is no forwarding, and junk nodes are invalid', (t) => {
  const upstreams = new Upstreams('/nonexistent/machine.sock', { peerPort: 50000 });
  t.after(() => {
    upstreams.close();
  });
  assert.equal(upstreams.canForward, false);
  assert.throws(
    () => upstreams.remote('10.0.0.2'),
    (e: unknown) => isApiError(e, 'permission-denied'),
  );
  upstreams.setClientTls({ ca: 'x', cert: 'y', key: 'z' });
  assert.throws(
    () => upstreams.remote('a b'),
    (e: unknown) => isApiError(e, 'invalid-argument'),
  );
});
