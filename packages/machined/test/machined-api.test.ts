// machined as a real process on the process platform, called over its unix socket.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { test } from 'node:test';
import { soon, startNode } from './machined-fixture.ts';

test('a node in maintenance mode serves Version and Hostname on a 0600 socket', async (t) => {
  const node = await startNode(t);
  const info = await stat(node.socket);
  assert.equal(info.mode & 0o777, 0o600);
  const version = await node.machine.version({}, { deadline: soon() });
  const msg = version.messages[0];
  assert.ok(msg !== undefined);
  assert.equal(msg.platform?.name, 'process');
  assert.match(msg.version?.tag ?? '', /^v\d/);
  assert.notEqual(msg.metadata?.hostname ?? '', '');
  const hostname = await node.machine.hostname({}, { deadline: soon() });
  assert.equal(hostname.messages[0]?.hostname, msg.metadata?.hostname);
});
