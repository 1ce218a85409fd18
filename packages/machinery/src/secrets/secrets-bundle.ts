import { certificateInfo } from '../pki/certificate.ts';
import {
  ClientCertificateLifetimeMs,
  createSelfSignedCa,
  encodeCertificateAndKey,
  issueCertificateAndKey,
} from '../pki/issue.ts';
import { encodePrivateKeyPem, generatePrivateKey, parsePrivateKeyPem } from '../pki/keys.ts';
import { parseCertificateAndKey } from '../pki/verify.ts';
import { Role, type Role as RoleName } from '../roles.ts';
import { generateClusterId, generateSecret32, generateToken } from './tokens.ts';

/** A certificate and its key, as PEM text. */
export interface PemPair {
  crt: string;
  key: string;
}

/**
 * The cluster's secrets, as `talosctl gen secrets` writes them (secrets.yaml): every config of a
 * cluster is derived from one bundle. PEM fields hold PEM text here; the file holds base64 of it.
 */
export interface SecretsBundle {
  cluster: { id: string; secret: string };
  secrets: {
    bootstrapToken: string;
    /** Set by current Talos; older bundles carry aescbcEncryptionSecret instead. */
    secretboxEncryptionSecret?: string;
    aescbcEncryptionSecret?: string;
  };
  trustdInfo: { token: string };
  certs: {
    etcd: PemPair;
    k8s: PemPair;
    k8sAggregator: PemPair;
    k8sServiceAccount: { key: string };
    os: PemPair;
  };
}

export interface GenerateSecretsOptions {
  now?: Date;
  /** RSA size of the service-account key; 4096 as Talos unless a test wants speed. */
  rsaBits?: number;
}

/**
 * Generates a fresh bundle: the OS CA (Ed25519, O=talos), the Kubernetes CA (ECDSA, O=kubernetes),
 * the aggregator CA (ECDSA, CN=front-proxy), the etcd CA (ECDSA, O=etcd), all valid ten years, an
 * RSA service-account key, the bootstrap and trustd tokens, the secretbox key and the cluster identity.
 */
export async function generateSecretsBundle(options: GenerateSecretsOptions = {}): Promise<SecretsBundle> {
  const now = options.now ?? new Date();
  const [os, k8s, k8sAggregator, etcd, serviceAccount] = await Promise.all([
    createSelfSignedCa({ algorithm: 'ed25519', organizations: ['talos'], now }),
    createSelfSignedCa({ algorithm: 'ecdsa-p256', organizations: ['kubernetes'], now }),
    createSelfSignedCa({ algorithm: 'ecdsa-p256', commonName: 'front-proxy', now }),
    createSelfSignedCa({ algorithm: 'ecdsa-p256', organizations: ['etcd'], now }),
    generatePrivateKey('rsa', options.rsaBits === undefined ? {} : { rsaBits: options.rsaBits }),
  ]);
  return {
    cluster: { id: generateClusterId(), secret: generateSecret32() },
    secrets: { bootstrapToken: generateToken(), secretboxEncryptionSecret: generateSecret32() },
    trustdInfo: { token: generateToken() },
    certs: {
      etcd: encodeCertificateAndKey(etcd),
      k8s: encodeCertificateAndKey(k8s),
      k8sAggregator: encodeCertificateAndKey(k8sAggregator),
      k8sServiceAccount: { key: encodePrivateKeyPem(serviceAccount) },
      os: encodeCertificateAndKey(os),
    },
  };
}

export interface ClientCertificateOptions {
  roles?: readonly RoleName[];
  lifetimeMs?: number;
  now?: Date;
}

/**
 * Issues a Talos API client certificate from the bundle's OS CA: Ed25519, O = roles (default
 * os:admin), ExtKeyUsage clientAuth, valid one year unless told otherwise.
 */
export async function issueClientCertificate(
  bundle: SecretsBundle,
  options: ClientCertificateOptions = {},
): Promise<PemPair> {
  const ca = parseCertificateAndKey(bundle.certs.os.crt, bundle.certs.os.key, 'certs.os');
  const pair = await issueCertificateAndKey(ca, {
    algorithm: 'ed25519',
    organizations: options.roles ?? [Role.admin],
    extKeyUsage: ['clientAuth'],
    lifetimeMs: options.lifetimeMs ?? ClientCertificateLifetimeMs,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return encodeCertificateAndKey(pair);
}

/** Checks the PEM material of a bundle: every pair parses and matches, every CA is a CA. */
export function checkBundleCertificates(bundle: SecretsBundle): string[] {
  const problems: string[] = [];
  const pairs = [
    ['certs.etcd', bundle.certs.etcd],
    ['certs.k8s', bundle.certs.k8s],
    ['certs.k8saggregator', bundle.certs.k8sAggregator],
    ['certs.os', bundle.certs.os],
  ] as const;
  for (const [path, pair] of pairs) {
    try {
      const parsed = parseCertificateAndKey(pair.crt, pair.key, path);
      if (!certificateInfo(parsed.certificate).isCA) problems.push(`${path}.crt: the certificate is not a CA`);
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  try {
    parsePrivateKeyPem(bundle.certs.k8sServiceAccount.key, 'certs.k8sserviceaccount.key');
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  }
  return problems;
}
