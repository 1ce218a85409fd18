import assert from 'node:assert/strict';
import { test } from 'node:test';
import { criConfigToml, criPaths } from './cri-config.ts';

test('the CRI config names the registry hosts directory, and credentials only when given', () => {
  const paths = criPaths('/n1');
  const plain = criConfigToml(paths);
  assert.match(
    plain,
    /\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\]\n {4}config_path = "\/n1\/system\/etc\/cri\/conf\.d\/hosts"\n/,
  );
  assert.doesNotMatch(plain, /\.auth\]/);
  const withAuth = criConfigToml(paths, {
    'cache.internal:5443': { username: 'u', password: 'p"q' },
    'ghcr.io': { identityToken: 't' },
  });
  assert.match(
    withAuth,
    /\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\.configs\."cache\.internal:5443"\.auth\]\n {4}username = "u"\n {4}password = "p\\"q"\n/,
  );
  assert.match(withAuth, /\.configs\."ghcr\.io"\.auth\]\n {4}identitytoken = "t"\n/);
});
