// The etcd PKI of one node, issued from the cluster's etcd CA (cluster.etcd.ca, ECDSA in Talos):
// a peer certificate (raft traffic between members), a server certificate (the client port) and an
// admin client certificate for machined's own etcd client. Issued fresh at each start of etcd, so
// an address change or an expiry heals itself; nothing here has to survive a reset.
import { mkdir } from 'node:fs/promises';
import {
  encodeCertificateAndKey,
  issueCertificateAndKey,
  parseCertificateAndKey,
  writeFilesAtomic,
  type CertificateAndKey,
} from '@bronze/machinery';
import { etcdPkiFiles } from './etcd-paths.ts';
import { EtcdError } from './etcd-error.ts';

/** A PEM certificate and key. */
export interface EtcdPemPair {
  crt: string;
  key: string;
}

export interface EtcdPki {
  /** The etcd CA certificate: what every member and client trusts. */
  ca: string;
  peer: EtcdPemPair;
  server: EtcdPemPair;
  admin: EtcdPemPair;
}

export interface EtcdPkiOptions {
  /** The member name and certificate CN. */
  hostname: string;
  /** The node's addresses (IPv4 or IPv6): SANs of the peer and server certificates. */
  addresses: readonly string[];
  now?: Date;
  /** One year unless told; machined reissues at every etcd start. */
  lifetimeMs?: number;
}

const year = 8_760 * 3_600_000;

/** Issues the node's etcd certificates from the CA pair (PEM). */
export async function issueEtcdPki(ca: EtcdPemPair, options: EtcdPkiOptions): Promise<EtcdPki> {
  let issuer: CertificateAndKey;
  try {
    issuer = parseCertificateAndKey(ca.crt, ca.key, 'cluster.etcd.ca');
  } catch (err) {
    throw new EtcdError('no-ca', 'cannot use cluster.etcd.ca to issue etcd certificates: check the machine config', {
      cause: err,
    });
  }
  const validity = { lifetimeMs: options.lifetimeMs ?? year, ...(options.now ? { now: options.now } : {}) };
  const sans = {
    dnsNames: unique([options.hostname, 'localhost']),
    ipAddresses: unique([...options.addresses, '127.0.0.1', '::1']),
  };
  const member = {
    ...validity,
    ...sans,
    commonName: options.hostname,
    algorithm: 'ecdsa-p256' as const,
    // Both usages on both: members dial each other with the peer certificate, and etcd's own
    // gateway dials the client port with the server certificate.
    extKeyUsage: ['serverAuth', 'clientAuth'] as const,
  };
  const [peer, server, admin] = await Promise.all([
    issueCertificateAndKey(issuer, member),
    issueCertificateAndKey(issuer, member),
    issueCertificateAndKey(issuer, {
      ...validity,
      commonName: 'machined',
      algorithm: 'ecdsa-p256',
      extKeyUsage: ['clientAuth'],
    }),
  ]);
  return {
    ca: issuer.certificate.pem,
    peer: encodeCertificateAndKey(peer),
    server: encodeCertificateAndKey(server),
    admin: encodeCertificateAndKey(admin),
  };
}

/** Writes the PKI into `pkiDir` (0700), every file 0600, all or nothing, replacing older ones. */
export async function writeEtcdPki(pkiDir: string, pki: EtcdPki, signal?: AbortSignal): Promise<void> {
  const f = etcdPkiFiles(pkiDir);
  await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  const files = [
    [f.ca, pki.ca],
    [f.peerCert, pki.peer.crt],
    [f.peerKey, pki.peer.key],
    [f.serverCert, pki.server.crt],
    [f.serverKey, pki.server.key],
    [f.adminCert, pki.admin.crt],
    [f.adminKey, pki.admin.key],
  ] as const;
  await writeFilesAtomic(
    files.map(([path, data]) => ({ path, data, mode: 0o600 })),
    { force: true, ...(signal ? { signal } : {}) },
  );
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))];
}
