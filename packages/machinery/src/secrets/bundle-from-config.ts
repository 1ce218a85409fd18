import { parseAllDocuments } from 'yaml';
import { parseSecretsBundle, SecretsBundleError } from './bundle-codec.ts';
import type { SecretsBundle } from './secrets-bundle.ts';

/**
 * Recovers the secrets bundle from a control-plane machine config (`gen secrets
 * --from-controlplane-config`), so a cluster made without a saved bundle can still get new configs.
 * The result is checked like a loaded bundle; a worker config (no CA keys) is refused.
 */
export function secretsBundleFromControlPlaneConfig(text: string, source = 'controlplane config'): SecretsBundle {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new SecretsBundleError(source, ['the file is empty']);
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken) throw new SecretsBundleError(source, [broken.errors[0]?.message.split('\n')[0] ?? 'invalid YAML']);
  const v1 = docs.map((d) => d.toJS() as unknown).find((d) => field(d, 'version') === 'v1alpha1');
  if (v1 === undefined) throw new SecretsBundleError(source, ['no v1alpha1 document (version: v1alpha1) found']);
  const machine = field(v1, 'machine');
  const cluster = field(v1, 'cluster');
  if (field(machine, 'type') === 'worker') {
    throw new SecretsBundleError(source, [
      'machine.type is worker: a worker config holds no CA keys, use a control-plane config',
    ]);
  }
  const str = (node: unknown, key: string): string => {
    const v = field(node, key);
    return typeof v === 'string' ? v : '';
  };
  const pair = (node: unknown) => ({ crt: str(node, 'crt'), key: str(node, 'key') });
  const secrets: Record<string, string> = { bootstraptoken: str(cluster, 'token') };
  const box = str(cluster, 'secretboxEncryptionSecret');
  const cbc = str(cluster, 'aescbcEncryptionSecret');
  if (box !== '') secrets['secretboxencryptionsecret'] = box;
  if (cbc !== '') secrets['aescbcencryptionsecret'] = cbc;
  // Build the bundle's file form from the config's base64 fields, then load it with every check.
  const fileForm = {
    cluster: { id: str(cluster, 'id'), secret: str(cluster, 'secret') },
    secrets,
    trustdinfo: { token: str(machine, 'token') },
    certs: {
      etcd: pair(field(field(cluster, 'etcd'), 'ca')),
      k8s: pair(field(cluster, 'ca')),
      k8saggregator: pair(field(cluster, 'aggregatorCA')),
      k8sserviceaccount: { key: str(field(cluster, 'serviceAccount'), 'key') },
      os: pair(field(machine, 'ca')),
    },
  };
  const required: [string, string][] = [
    ['cluster.id', fileForm.cluster.id],
    ['cluster.secret', fileForm.cluster.secret],
    ['cluster.token', secrets['bootstraptoken'] ?? ''],
    ['machine.token', fileForm.trustdinfo.token],
    ['machine.ca.key', fileForm.certs.os.key],
    ['cluster.ca.key', fileForm.certs.k8s.key],
    ['cluster.aggregatorCA.key', fileForm.certs.k8saggregator.key],
    ['cluster.serviceAccount.key', fileForm.certs.k8sserviceaccount.key],
    ['cluster.etcd.ca.key', fileForm.certs.etcd.key],
  ];
  const missing = required.filter(([, v]) => v === '').map(([path]) => `${path}: is missing or empty`);
  if (missing.length > 0) throw new SecretsBundleError(source, missing);
  return parseSecretsBundle(JSON.stringify(fileForm), `${source} (as a secrets bundle)`);
}

function field(node: unknown, key: string): unknown {
  return typeof node === 'object' && node !== null && !Array.isArray(node)
    ? (node as Record<string, unknown>)[key]
    : undefined;
}
