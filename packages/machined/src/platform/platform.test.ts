import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerPlatform } from './container-platform.ts';
import { processPlatform } from './process-platform.ts';

test('the process platform roots everything at its state dir and skips root-only services', () => {
  const p = processPlatform({ stateDir: '/tmp/n1', address: '127.0.1.2' });
  assert.equal(p.paths.machinedSocket, '/tmp/n1/system/run/machined/machine.sock');
  assert.equal(p.paths.configFile, '/tmp/n1/system/state/config.yaml');
  assert.equal(p.filesRoot, '/tmp/n1');
  assert.equal(p.bootIdFile, '/tmp/n1/proc/sys/kernel/random/boot_id', 'reboots in place record their own boot id');
  assert.equal(p.defaultHostname(), 'node-127-0-1-2');
  assert.equal(p.userData(), undefined);
  assert.ok(p.skippedServices.has('containerd'));
  assert.match(p.skippedServices.get('kubelet') ?? '', /root/);
});

test('the container platform is rooted at / and takes its config from USERDATA', () => {
  const c = containerPlatform({ address: '10.5.0.2', env: { USERDATA: 'dmVyc2lvbjogdjFhbHBoYTEK' } });
  assert.equal(c.paths.machinedSocket, '/system/run/machined/machine.sock');
  assert.equal(c.filesRoot, '/');
  assert.equal(c.bootIdFile, undefined, 'a container never writes the kernel boot id');
  assert.equal(c.userData(), 'dmVyc2lvbjogdjFhbHBoYTEK');
  assert.equal(containerPlatform({ address: '10.5.0.2', env: {} }).userData(), undefined);
  assert.ok(!c.skippedServices.has('containerd'));
});
