import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { encodePrivateKeyPem, generatePrivateKey } from '@bronze/machinery';
import { isImageError } from './image-error.ts';
import { parseSignature, publicKeyPem, signImage, signingKey, verifyImage, verifyKey } from './sign.ts';

async function setup(t: TestContext): Promise<{ image: string; pem: string; otherPem: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'imager-sign-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const image = join(dir, 'rootfs.squashfs');
  await writeFile(image, Buffer.alloc(100_000, 7));
  const pem = encodePrivateKeyPem(await generatePrivateKey('ed25519'));
  const otherPem = encodePrivateKeyPem(await generatePrivateKey('ed25519'));
  return { image, pem, otherPem };
}

test('a flipped byte fails verification naming the file and both digests', async (t) => {
  const { image, pem } = await setup(t);
  const sig = await signImage(image, signingKey(pem, 'k'));
  const data = await readFile(image);
  data[5000] = (data[5000] ?? 0) ^ 1;
  await writeFile(image, data);
  await assert.rejects(
    verifyImage(image, sig, verifyKey(publicKeyPem(pem, 'k'), 'pub'), { signatureName: 'img.sig' }),
    (err: unknown) =>
      isImageError(err) &&
      err.code === 'digest-mismatch' &&
      err.message.startsWith(`${image} does not match its signature img.sig`) &&
      err.message.includes(sig.sha256) &&
      err.message.includes('modified after signing'),
  );
});

test('a signature by another key fails, naming the key that signed and the key given', async (t) => {
  const { image, pem, otherPem } = await setup(t);
  const sig = await signImage(image, signingKey(pem, 'k'));
  await assert.rejects(
    verifyImage(image, sig, verifyKey(otherPem, 'other.key'), { keyName: 'other.key' }),
    (err: unknown) =>
      isImageError(err) &&
      err.code === 'bad-signature' &&
      err.message.includes(`made by key ${sig.publicKey.slice(0, 16)}, not other.key`),
  );
});

test('an edited signature file fails: digest swapped or signature bytes altered', async (t) => {
  const { image, pem } = await setup(t);
  const key = verifyKey(pem, 'k');
  const sig = await signImage(image, signingKey(pem, 'k'));
  await assert.rejects(verifyImage(image, { ...sig, sha256: 'a'.repeat(64) }, key), /the signature itself was altered/);
  const bytes = Buffer.from(sig.signature, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0xff;
  await assert.rejects(verifyImage(image, { ...sig, signature: bytes.toString('base64') }, key), /altered/);
  assert.throws(() => parseSignature('nope', 'x.sig'), /x.sig is not a Bronze image signature/);
  assert.throws(() => parseSignature('{"format":"other"}', 'x.sig'), /x.sig is not a bronze-image-signature-v1/);
});

test('only ed25519 keys sign; a public key or the private key verifies', async (t) => {
  const { image, pem } = await setup(t);
  const rsa = encodePrivateKeyPem(await generatePrivateKey('ecdsa-p256'));
  assert.throws(() => signingKey(rsa, 'ec.key'), /ec.key is an ecdsa-p256 key; image signatures use Ed25519/);
  const sig = parseSignature(JSON.stringify(await signImage(image, signingKey(pem, 'k'))), 'x.sig');
  const pub = publicKeyPem(pem, 'k');
  assert.match(pub, /^-----BEGIN PUBLIC KEY-----/);
  assert.equal((await verifyImage(image, sig, verifyKey(pub, 'pub'))).sha256, sig.sha256);
  assert.equal((await verifyImage(image, sig, verifyKey(pem, 'key'))).sha256, sig.sha256);
});
