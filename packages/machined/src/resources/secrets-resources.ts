// Resources of the secrets namespace: the OS root secrets taken from the config and the API
// certificates issued from them. Both are sensitive (admin only).
import { defineResource } from '@bronze/runtime';
import { Namespaces } from './namespaces.ts';

/** PEM text. */
export interface CertificatePem {
  crt: string;
}

export interface CertificateAndKeyPem {
  crt: string;
  key: string;
}

export interface OSRootSecretsSpec {
  /** The OS CA with its key (control planes); a worker has the certificate only (key ''). */
  issuingCA: CertificateAndKeyPem;
  acceptedCAs: CertificatePem[];
  certSANIPs: string[];
  certSANDNSNames: string[];
  /** The machine token trustd checks (machine.token). */
  token: string;
}

export const OSRootSecrets = defineResource<OSRootSecretsSpec>({
  type: 'OSRootSecrets.secrets.talos.dev',
  defaultNamespace: Namespaces.secrets,
  empty: () => ({ issuingCA: { crt: '', key: '' }, acceptedCAs: [], certSANIPs: [], certSANDNSNames: [], token: '' }),
  sensitive: true,
});
export const OSRootSecretsId = 'os';

/**
 * What apid serves with: the CAs whose client certificates it accepts, its server certificate, and
 * (control planes only) the `os:impersonator` client certificate it forwards with.
 */
export interface ApiCertificatesSpec {
  acceptedCAs: CertificatePem[];
  server: CertificateAndKeyPem;
  client?: CertificateAndKeyPem;
}

export const ApiCertificates = defineResource<ApiCertificatesSpec>({
  type: 'ApiCertificates.secrets.talos.dev',
  defaultNamespace: Namespaces.secrets,
  empty: () => ({ acceptedCAs: [], server: { crt: '', key: '' } }),
  sensitive: true,
});
export const ApiCertificatesId = 'api';
