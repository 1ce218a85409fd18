import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { isKubeApiError, kubeApiErrorOf } from './k8s-client-error.ts';
import { isKubeconfigReadError, kubeEndpointFromKubeconfig } from './k8s-client-kubeconfig.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function kubeconfig(over: { server?: string; user?: Record<string, string>; current?: string } = {}): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'demo',
        cluster: { server: over.server ?? 'https://10.5.0.2:6443/', 'certificate-authority-data': b64('CA') },
      },
    ],
    users: [
      {
        name: 'admin@demo',
        user: over.user ?? { 'client-certificate-data': b64('CRT'), 'client-key-data': b64('KEY') },
      },
    ],
    contexts: [{ name: 'admin@demo', context: { cluster: 'demo', user: 'admin@demo' } }],
    'current-context': over.current ?? 'admin@demo',
  });
}

test('kubeconfig: a token-only user, a missing context, a plain-http server and bad YAML are errors saying why', () => {
  const cases: [string, RegExp][] = [
    [kubeconfig({ user: { token: 'x' } }), /the user has no client-certificate-data or client-certificate/],
    [kubeconfig({ current: 'other' }), /no context named "other"/],
    [kubeconfig({ current: '' }), /no current-context/],
    [kubeconfig({ server: 'http://10.5.0.2:6443' }), /"http:\/\/10\.5\.0\.2:6443" is not an https:\/\/ URL/],
    ['{ nope', /not YAML/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => kubeEndpointFromKubeconfig(text, { source: 'KC' }),
      (err) => isKubeconfigReadError(err) && err.message.startsWith('KC: ') && message.test(err.message),
    );
  }
});

test('kubeconfig: the current context gives server (no trailing slash) and the PEM material', () => {
  assert.deepEqual(kubeEndpointFromKubeconfig(kubeconfig()), {
    server: 'https://10.5.0.2:6443',
    ca: 'CA',
    cert: 'CRT',
    key: 'KEY',
  });
});

test('errors: a Status body gives reason and message; other bodies are kept as text', () => {
  const status = JSON.stringify({
    kind: 'Status',
    status: 'Failure',
    message: 'secrets "x" is forbidden',
    reason: 'Forbidden',
    code: 403,
  });
  const err = kubeApiErrorOf(403, status, { method: 'GET', path: '/api/v1/secrets' });
  assert.ok(isKubeApiError(err, 403));
  assert.equal(isKubeApiError(err, 404), false);
  assert.equal(err.reason, 'Forbidden');
  assert.equal(err.message, 'GET /api/v1/secrets: 403 Forbidden: secrets "x" is forbidden');
  const plain = kubeApiErrorOf(502, 'bad gateway\n', { method: 'GET', path: '/x' });
  assert.equal(plain.message, 'GET /x: 502: bad gateway');
  assert.equal(plain.reason, '');
  assert.ok(!isKubeApiError(new Error('x')));
});
