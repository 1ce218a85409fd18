import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCertificatePem, certificateInfo } from './certificate.ts';
import { createCsr, parseCsrPem, signCsr } from './csr.ts';
import { createSelfSignedCa, issueCertificate, issueCertificateAndKey, NotBeforeSkewMs } from './issue.ts';
import { encodePrivateKeyPem, generatePrivateKey, parsePrivateKeyPem, type KeyAlgorithm } from './keys.ts';
import { base64ToPem, encodePem, parsePemBlocks, pemToBase64 } from './pem.ts';
import { isPkiError } from './pki-error.ts';
import { keyMatchesCertificate, parseCertificateAndKey, verifyCertificate } from './verify.ts';

const hasCode = (code: string) => (err: unknown) => isPkiError(err) && err.code === code;

test('corrupt PEM input is refused with the reason', async () => {
  assert.throws(() => parseCertificatePem('hello'), hasCode('invalid-pem'));
  assert.throws(
    () => parsePrivateKeyPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
    hasCode('invalid-pem'),
  );
  const garbage = encodePem('CERTIFICATE', Buffer.from('not a certificate'));
  assert.throws(
    () => parseCertificatePem(garbage, 'certs.os.crt'),
    (err: unknown) => {
      return isPkiError(err) && err.code === 'invalid-certificate' && err.message.includes('certs.os.crt');
    },
  );
  const badKey = encodePem('EC PRIVATE KEY', Buffer.from('junk'));
  assert.throws(() => parsePrivateKeyPem(badKey, 'certs.k8s.key'), hasCode('invalid-key'));
  assert.throws(() => base64ToPem('%%%', 'certs.os.crt'), /certs\.os\.crt: not base64/);
  assert.throws(() => base64ToPem(Buffer.from('plain').toString('base64'), 'x'), /does not decode to PEM/);
  await assert.rejects(parseCsrPem(encodePem('CERTIFICATE REQUEST', Buffer.from('x'))), hasCode('invalid-csr'));
});

test('a key and a certificate from different generations do not match', async () => {
  const a = await createSelfSignedCa({ organizations: ['talos'] });
  const b = await createSelfSignedCa({ organizations: ['talos'] });
  assert.equal(keyMatchesCertificate(a.key, a.certificate), true);
  assert.equal(keyMatchesCertificate(b.key, a.certificate), false);
  assert.throws(
    () => parseCertificateAndKey(a.certificate.pem, encodePrivateKeyPem(b.key), 'certs.os'),
    (err: unknown) => isPkiError(err) && err.code === 'key-mismatch' && err.message.startsWith('certs.os:'),
  );
  const ok = parseCertificateAndKey(a.certificate.pem, encodePrivateKeyPem(a.key), 'certs.os');
  assert.equal(ok.key.algorithm, 'ed25519');
});

for (const algorithm of ['ed25519', 'ecdsa-p256', 'rsa'] as KeyAlgorithm[]) {
  test(`a ${algorithm} CA issues a leaf that verifies, with SANs, usages and roles`, async () => {
    const ca = await createSelfSignedCa({ algorithm, organizations: ['talos'], rsaBits: 2048 });
    const caInfo = certificateInfo(ca.certificate);
    assert.equal(caInfo.isCA, true);
    assert.deepEqual(caInfo.organizations, ['talos']);
    const leaf = await issueCertificateAndKey(ca, {
      algorithm: 'ecdsa-p256',
      commonName: 'node-1',
      organizations: ['os:admin', 'os:reader'],
      dnsNames: ['node-1.example'],
      ipAddresses: ['10.5.0.2', 'fd00::2'],
      extKeyUsage: ['clientAuth'],
    });
    const info = certificateInfo(leaf.certificate);
    assert.deepEqual(info.organizations, ['os:admin', 'os:reader']);
    assert.deepEqual(info.dnsNames, ['node-1.example']);
    assert.equal(info.ipAddresses[0], '10.5.0.2');
    assert.equal(info.ipAddresses.length, 2);
    assert.deepEqual(info.extKeyUsage, ['clientAuth']);
    assert.equal(info.isCA, false);
    assert.ok(info.notBefore.getTime() <= Date.now() - NotBeforeSkewMs + 2_000);
    const chain = verifyCertificate(leaf.certificate, { roots: [ca.certificate], usage: 'clientAuth' });
    assert.equal(chain.length, 2);
    assert.throws(
      () => verifyCertificate(leaf.certificate, { roots: [ca.certificate], usage: 'serverAuth' }),
      hasCode('wrong-usage'),
    );
    const reparsed = parsePrivateKeyPem(encodePrivateKeyPem(ca.key));
    assert.equal(reparsed.algorithm, algorithm);
  });
}

test('verification rejects a wrong CA, an expired and a not-yet-valid certificate', async () => {
  const ca = await createSelfSignedCa({ organizations: ['talos'] });
  const other = await createSelfSignedCa({ organizations: ['talos'] });
  const leaf = await issueCertificateAndKey(ca, { extKeyUsage: ['serverAuth'], lifetimeMs: 60_000 });
  assert.throws(() => verifyCertificate(leaf.certificate, { roots: [other.certificate] }), hasCode('untrusted'));
  assert.throws(
    () => verifyCertificate(leaf.certificate, { roots: [ca.certificate], at: new Date(Date.now() + 3_600_000) }),
    hasCode('expired'),
  );
  assert.throws(
    () => verifyCertificate(leaf.certificate, { roots: [ca.certificate], at: new Date(Date.now() - 3_600_000) }),
    hasCode('not-yet-valid'),
  );
  // A leaf that signs another certificate is not a CA.
  const grandchild = await issueCertificate(leaf, (await generatePrivateKey('ed25519')).publicKey, {
    extKeyUsage: ['serverAuth'],
  });
  assert.throws(
    () => verifyCertificate(grandchild, { roots: [ca.certificate], intermediates: [leaf.certificate] }),
    hasCode('not-a-ca'),
  );
});

test('a CSR carries its names, and signing keeps or replaces the organization', async () => {
  const ca = await createSelfSignedCa({ organizations: ['talos'] });
  const key = await generatePrivateKey('ed25519');
  const csr = await createCsr(key, { organizations: ['os:admin'], ipAddresses: ['10.5.0.3'], dnsNames: ['w1'] });
  const parsed = await parseCsrPem(csr);
  assert.deepEqual(parsed.organizations, ['os:admin']);
  assert.deepEqual(parsed.ipAddresses, ['10.5.0.3']);
  const kept = await signCsr(ca, csr, { extKeyUsage: ['clientAuth'] });
  assert.deepEqual(certificateInfo(kept).organizations, ['os:admin']);
  assert.equal(keyMatchesCertificate(key, kept), true);
  const stripped = await signCsr(ca, csr, { extKeyUsage: ['serverAuth'], organizations: [] });
  assert.deepEqual(certificateInfo(stripped).organizations, []);
  assert.deepEqual(certificateInfo(stripped).ipAddresses, ['10.5.0.3']);
  // A tampered request fails its signature check.
  const block = parsePemBlocks(csr)[0]!;
  const der = Buffer.from(block.der);
  der[der.length - 5] = (der[der.length - 5]! + 1) % 256;
  await assert.rejects(
    signCsr(ca, encodePem('CERTIFICATE REQUEST', der), { extKeyUsage: ['serverAuth'] }),
    hasCode('invalid-csr'),
  );
});

test('PEM blocks and their base64 form round-trip (property)', () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 0, maxLength: 300 }),
      fc.constantFrom('CERTIFICATE', 'EC PRIVATE KEY'),
      (der, label) => {
        const pem = encodePem(label, der);
        const [block] = parsePemBlocks(base64ToPem(pemToBase64(pem), 'x'));
        assert.equal(block?.label, label);
        assert.deepEqual(new Uint8Array(block.der), der);
      },
    ),
  );
});

test('random text never crashes the PEM parsers (property)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (text) => {
      for (const parse of [
        () => parseCertificatePem(text),
        () => parsePrivateKeyPem(text),
        () => base64ToPem(text, 'x'),
      ]) {
        try {
          parse();
        } catch (err) {
          assert.ok(isPkiError(err), String(err));
        }
      }
    }),
  );
});
