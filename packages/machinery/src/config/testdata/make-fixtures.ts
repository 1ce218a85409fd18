// Writes the test fixtures of this directory: a control-plane and a worker config in the format
// talosctl produces (comments, base64 PEM blocks), with fresh keys and certificates. Run it by
// hand (`node packages/machinery/src/config/testdata/make-fixtures.ts`) and commit the output.
import 'reflect-metadata';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { controlPlaneTemplate, workerTemplate } from './templates.ts';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type Algo = 'ed25519' | 'ecdsa' | 'rsa';
const year = 365 * 24 * 3600 * 1000;

async function keyPair(algo: Algo): Promise<webcrypto.CryptoKeyPair> {
  const params =
    algo === 'ed25519'
      ? { name: 'Ed25519' }
      : algo === 'ecdsa'
        ? { name: 'ECDSA', namedCurve: 'P-256' }
        : {
            name: 'RSASSA-PKCS1-v1_5',
            modulusLength: 2048,
            publicExponent: new Uint8Array([1, 0, 1]),
            hash: 'SHA-256',
          };
  return (await webcrypto.subtle.generateKey(params, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

/** PEM in the encodings Talos writes: ED25519 PRIVATE KEY (PKCS#8), EC PRIVATE KEY, RSA PRIVATE KEY. */
function keyPem(key: webcrypto.CryptoKey, algo: Algo): string {
  const obj = KeyObject.from(key);
  if (algo === 'ecdsa') return obj.export({ type: 'sec1', format: 'pem' }).toString();
  if (algo === 'rsa') return obj.export({ type: 'pkcs1', format: 'pem' }).toString();
  return obj
    .export({ type: 'pkcs8', format: 'pem' })
    .toString()
    .replace(/(BEGIN|END) PRIVATE KEY/g, '$1 ED25519 PRIVATE KEY');
}

async function ca(org: string, algo: Algo, from = new Date(), years = 10): Promise<{ crt: string; key: string }> {
  const keys = await keyPair(algo);
  const signingAlgorithm = algo === 'ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `O=${org}`,
    keys,
    notBefore: from,
    notAfter: new Date(from.getTime() + years * year),
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return { crt: b64(cert.toString('pem') + '\n'), key: b64(keyPem(keys.privateKey, algo)) };
}

function token(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number): string => Array.from(randomBytes(n), (b) => alphabet[b % alphabet.length]).join('');
  return `${pick(6)}.${pick(16)}`;
}

const secrets = {
  os: await ca('talos', 'ed25519'),
  k8s: await ca('kubernetes', 'ecdsa'),
  aggregator: await ca('', 'ecdsa'),
  etcd: await ca('etcd', 'ecdsa'),
  serviceAccount: Buffer.from(keyPem((await keyPair('rsa')).privateKey, 'rsa')).toString('base64'),
  machineToken: token(),
  clusterToken: token(),
  clusterId: randomBytes(32).toString('base64url') + '=',
  clusterSecret: randomBytes(32).toString('base64'),
  secretbox: randomBytes(32).toString('base64'),
};
const dir = import.meta.dirname;
writeFileSync(join(dir, 'controlplane.yaml'), controlPlaneTemplate(secrets));
writeFileSync(join(dir, 'worker.yaml'), workerTemplate(secrets));
const expired = await ca('talos', 'ed25519', new Date(Date.now() - 3 * year), 1);
writeFileSync(
  join(dir, 'expired-ca.yaml'),
  `# An OS CA that expired two years before these fixtures were made.\ncrt: ${expired.crt}\nkey: ${expired.key}\n`,
);
