import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isClientConfigError, type ClientConfig } from '../client-config/client-config.ts';
import { resolveClientTarget } from './client-target.ts';
import { parseEndpoint } from './endpoints.ts';
import { encodePrivateKeyPem, generatePrivateKey } from '../pki/keys.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const pem = (label: string): string => b64(`-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----\n`);

const realKey = b64(encodePrivateKeyPem(await generatePrivateKey('ed25519')));
const config: ClientConfig = {
  context: 'a',
  contexts: {
    a: {
      endpoints: ['10.0.0.1', '10.0.0.2:6000'],
      nodes: ['10.0.0.5'],
      ca: pem('CERTIFICATE'),
      crt: pem('CERTIFICATE'),
      key: realKey,
    },
    b: { endpoints: [], ca: pem('CERTIFICATE') },
  },
};

test('bad endpoints are refused with the value shown', () => {
  for (const bad of ['', 'a b', 'host:0', 'host:99999', 'host:x', '[nothost]:1', 'a:b:c:']) {
    assert.throws(
      () => parseEndpoint(bad),
      (err: unknown) => isClientConfigError(err) && err.message.includes(JSON.stringify(bad)),
      bad,
    );
  }
});

test('endpoints get the default port 50000 and keep IPv6 in brackets', () => {
  assert.equal(parseEndpoint('10.0.0.1').address, '10.0.0.1:50000');
  assert.equal(parseEndpoint('node-1:6443').address, 'node-1:6443');
  assert.equal(parseEndpoint('fd00::2').address, '[fd00::2]:50000');
  assert.deepEqual(parseEndpoint('[fd00::2]:7'), { host: 'fd00::2', port: 7, address: '[fd00::2]:7' });
  assert.equal(parseEndpoint('https://lb.example/').address, 'lb.example:50000');
});

test('a context without endpoints or credentials says what to do', () => {
  assert.throws(
    () => resolveClientTarget(config, { context: 'b' }),
    /context "b" has no endpoints: pass -e\/--endpoints/,
  );
  assert.throws(
    () => resolveClientTarget(config, { context: 'b', endpoints: ['x'] }),
    /context "b" of the talosconfig has no crt/,
  );
  assert.throws(() => resolveClientTarget(config, { context: 'zz' }), /context "zz" is not defined/);
});

test('flags override the context: --endpoints and --nodes, comma separated or repeated', () => {
  const plain = resolveClientTarget(config);
  assert.deepEqual(
    plain.endpoints.map((e) => e.address),
    ['10.0.0.1:50000', '10.0.0.2:6000'],
  );
  assert.deepEqual(plain.nodes, ['10.0.0.5']);
  assert.match(plain.tls.key, /^-----BEGIN PRIVATE KEY-----/);
  const flags = resolveClientTarget(config, { endpoints: ['1.1.1.1,2.2.2.2'], nodes: ['n1', 'n2,n3'] });
  assert.deepEqual(
    flags.endpoints.map((e) => e.address),
    ['1.1.1.1:50000', '2.2.2.2:50000'],
  );
  assert.deepEqual(flags.nodes, ['n1', 'n2', 'n3']);
});

test('any host and port round-trips through parseEndpoint', () => {
  const host = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain());
  fc.assert(
    fc.property(host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), (h, port) => {
      const v6 = h.includes(':');
      const written = port === undefined ? h : v6 ? `[${h}]:${String(port)}` : `${h}:${String(port)}`;
      const e = parseEndpoint(written);
      assert.equal(e.host, h);
      assert.equal(e.port, port ?? 50000);
      assert.equal(parseEndpoint(e.address).address, e.address);
    }),
  );
});
