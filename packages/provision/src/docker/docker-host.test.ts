import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isProvisionError } from '../provision-error.ts';
import { DockerSocket, PodmanServiceSocket, resolveDockerHost } from './docker-host.ts';

void test('a host that is not a unix socket is refused, naming where it came from', () => {
  assert.throws(
    () => resolveDockerHost({ flag: 'tcp://1.2.3.4:2375', env: {} }),
    (e) =>
      isProvisionError(e, 'invalid') && /--docker-host "tcp:\/\/1.2.3.4:2375" is not a unix socket/.test(e.message),
  );
  assert.throws(
    () => resolveDockerHost({ env: { DOCKER_HOST: 'ssh://h' } }),
    (e) => isProvisionError(e, 'invalid') && /DOCKER_HOST/.test(e.message),
  );
});

void test('the flag wins over DOCKER_HOST, which wins over the Docker socket, then Podman', () => {
  const all = () => true;
  const none = () => false;
  assert.equal(resolveDockerHost({ flag: 'unix:///a.sock', env: { DOCKER_HOST: 'unix:///b.sock' } }), '/a.sock');
  assert.equal(resolveDockerHost({ env: { DOCKER_HOST: 'unix:///b.sock' }, exists: all }), '/b.sock');
  assert.equal(resolveDockerHost({ env: {}, exists: all }), DockerSocket);
  assert.equal(resolveDockerHost({ env: { DOCKER_HOST: '' }, exists: none }), PodmanServiceSocket);
});
