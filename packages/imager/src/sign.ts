import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { encodePublicKeyPem, parsePrivateKeyPem } from '@bronze/machinery';
import { sha256File } from './components.ts';
import { ImageError } from './image-error.ts';

export const SignatureFormat = 'bronze-image-signature-v1';

/** IMAGE.sig: a detached Ed25519 signature over the image's SHA-256 and size. */
export interface ImageSignature {
  format: typeof SignatureFormat;
  file: string;
  sha256: string;
  size: number;
  algorithm: 'ed25519';
  /** SHA-256 of the signer's public key (SPKI DER), to tell keys apart in errors. */
  publicKey: string;
  signature: string;
}

/** The bytes that are signed: the digest and size, not the file name, so an image can be renamed. */
export function signedMessage(sha256: string, size: number): Buffer {
  return Buffer.from(`${SignatureFormat}\nsha256 ${sha256}\nsize ${String(size)}\n`);
}

export function keyFingerprint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

function notEd25519(algorithm: string, what: string): ImageError {
  return new ImageError('bad-key', `${what} is an ${algorithm} key; image signatures use Ed25519 (osctl gen key)`);
}

/** Reads an Ed25519 signing key (the PEM `osctl gen key` writes). */
export function signingKey(pem: string, what: string): KeyObject {
  const key = parsePrivateKeyPem(pem, what);
  if (key.algorithm !== 'ed25519') throw notEd25519(key.algorithm, what);
  return key.privateKey;
}

/** Reads a verification key: a PUBLIC KEY PEM, or the private key, whose public half is used. */
export function verifyKey(pem: string, what: string): KeyObject {
  if (!pem.includes('PUBLIC KEY')) return createPublicKey(signingKey(pem, what));
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new ImageError('bad-key', `${what} does not hold a valid public key`, { cause: err });
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new ImageError('bad-key', `${what} is an ${String(key.asymmetricKeyType)} key; image signatures use Ed25519`);
  return key;
}

/** The public key PEM for a signing key, to hand to whoever verifies. */
export function publicKeyPem(privatePem: string, what: string): string {
  const key = parsePrivateKeyPem(privatePem, what);
  if (key.algorithm !== 'ed25519') throw notEd25519(key.algorithm, what);
  return encodePublicKeyPem(key);
}

/** Signs an image file: its SHA-256 and size, with an Ed25519 key. */
export async function signImage(
  image: string,
  key: KeyObject,
  options: { signal?: AbortSignal } = {},
): Promise<ImageSignature> {
  const sha256 = await sha256File(image, options.signal);
  const { size } = await stat(image);
  return {
    format: SignatureFormat,
    file: basename(image),
    sha256,
    size,
    algorithm: 'ed25519',
    publicKey: keyFingerprint(createPublicKey(key)),
    signature: sign(null, signedMessage(sha256, size), key).toString('base64'),
  };
}

/** Parses IMAGE.sig; anything but a signature of this format is a bad-signature error naming the file. */
export function parseSignature(text: string, what: string): ImageSignature {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ImageError('bad-signature', `${what} is not a Bronze image signature (not JSON)`, { cause: err });
  }
  const r = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const ok =
    r['format'] === SignatureFormat &&
    r['algorithm'] === 'ed25519' &&
    typeof r['sha256'] === 'string' &&
    /^[0-9a-f]{64}$/.test(r['sha256']) &&
    typeof r['size'] === 'number' &&
    typeof r['signature'] === 'string' &&
    typeof r['publicKey'] === 'string' &&
    typeof r['file'] === 'string';
  if (!ok) throw new ImageError('bad-signature', `${what} is not a ${SignatureFormat} signature`);
  return r as unknown as ImageSignature;
}

export interface VerifyOptions {
  /** Names used in errors. */
  imageName?: string;
  signatureName?: string;
  keyName?: string;
  signal?: AbortSignal;
}

/**
 * Verifies an image against its signature and a public key: first that the signature is the
 * key's over the recorded digest, then that the file still has that digest and size. Each
 * failure names the file and what differs.
 */
export async function verifyImage(
  image: string,
  signature: ImageSignature,
  key: KeyObject,
  options: VerifyOptions = {},
): Promise<{ sha256: string }> {
  const imageName = options.imageName ?? image;
  const sigName = options.signatureName ?? `${image}.sig`;
  const keyName = options.keyName ?? 'the public key';
  const fp = keyFingerprint(key);
  const message = signedMessage(signature.sha256, signature.size);
  if (!verify(null, message, key, Buffer.from(signature.signature, 'base64'))) {
    const who =
      signature.publicKey === fp
        ? 'the signature itself was altered'
        : `it was made by key ${signature.publicKey.slice(0, 16)}, not ${keyName} (${fp.slice(0, 16)})`;
    throw new ImageError('bad-signature', `${sigName} does not verify with ${keyName}: ${who}`);
  }
  const { size } = await stat(image);
  const sha256 = await sha256File(image, options.signal);
  if (sha256 !== signature.sha256 || size !== signature.size)
    throw new ImageError(
      'digest-mismatch',
      `${imageName} does not match its signature ${sigName}: the file has sha256 ${sha256} (${String(size)} bytes), ` +
        `the signature covers sha256 ${signature.sha256} (${String(signature.size)} bytes); the image was modified after signing`,
    );
  return { sha256 };
}
