// The API server's EncryptionConfiguration: Secrets are written with the first provider (secretbox
// when the config has cluster.secretboxEncryptionSecret, else aescbc) and read with any of them,
// identity last so that Secrets written before encryption was on stay readable.
import { stringify } from 'yaml';

export interface EncryptionSecrets {
  /** Base64 of 32 bytes, or ''. */
  secretboxEncryptionSecret: string;
  aescbcEncryptionSecret: string;
}

export function encryptionConfig(secrets: EncryptionSecrets): string {
  const providers: object[] = [];
  if (secrets.secretboxEncryptionSecret !== '') {
    providers.push({ secretbox: { keys: [{ name: 'key2', secret: secrets.secretboxEncryptionSecret }] } });
  }
  if (secrets.aescbcEncryptionSecret !== '') {
    providers.push({ aescbc: { keys: [{ name: 'key1', secret: secrets.aescbcEncryptionSecret }] } });
  }
  providers.push({ identity: {} });
  return stringify({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [{ resources: ['secrets'], providers }],
  });
}
