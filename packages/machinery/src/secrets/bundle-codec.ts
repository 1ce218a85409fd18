import { isMap, isScalar, LineCounter, parseDocument, stringify, type Node } from 'yaml';
import { base64ToPem, pemToBase64, preview } from '../pki/pem.ts';
import { checkBundleCertificates, type SecretsBundle } from './secrets-bundle.ts';
import { isBase64Of32Bytes, TokenPattern } from './tokens.ts';

/** A secrets bundle that cannot be used; `problems` lists every finding with its place. */
export class SecretsBundleError extends Error {
  override readonly name = 'SecretsBundleError';
  readonly problems: string[];

  constructor(source: string, problems: string[]) {
    super(`${source} is not a valid secrets bundle: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

export function isSecretsBundleError(err: unknown): err is SecretsBundleError {
  return err instanceof Error && err.name === 'SecretsBundleError';
}

type Shape = { [key: string]: Shape | 'string' | 'string?' };
const pair: Shape = { crt: 'string', key: 'string' };
const bundleShape: Shape = {
  cluster: { id: 'string', secret: 'string' },
  secrets: { bootstraptoken: 'string', secretboxencryptionsecret: 'string?', aescbcencryptionsecret: 'string?' },
  trustdinfo: { token: 'string' },
  certs: { etcd: pair, k8s: pair, k8saggregator: pair, k8sserviceaccount: { key: 'string' }, os: pair },
};

type Values = Map<string, { value: string; where: string }>;

/**
 * Parses secrets.yaml strictly: unknown or missing fields, wrong types, tokens of the wrong form,
 * undecodable PEM and certificate/key pairs that do not match are all reported together, each
 * with its YAML path, line:column and (shortened) value. `source` names the file in messages.
 */
export function parseSecretsBundle(text: string, source = 'secrets bundle'): SecretsBundle {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SecretsBundleError(
      source,
      doc.errors.map((e) => `${at(lineCounter, e.pos[0])}: ${e.message.split('\n')[0] ?? ''}`),
    );
  }
  const problems: string[] = [];
  const values: Values = new Map();
  walk(doc.contents, bundleShape, '', { lineCounter, problems, values });
  if (problems.length > 0) throw new SecretsBundleError(source, problems);
  const get = (path: string): string => values.get(path)?.value ?? '';
  const where = (path: string): string => values.get(path)?.where ?? path;
  problems.push(...checkValues(values));
  const box = values.has('secrets.secretboxencryptionsecret');
  const cbc = values.has('secrets.aescbcencryptionsecret');
  const pem = (path: string): string => {
    try {
      return base64ToPem(get(path), where(path));
    } catch (err) {
      problems.push(err instanceof Error ? err.message : String(err));
      return '';
    }
  };
  const bundle: SecretsBundle = {
    cluster: { id: get('cluster.id'), secret: get('cluster.secret') },
    secrets: {
      bootstrapToken: get('secrets.bootstraptoken'),
      ...(box ? { secretboxEncryptionSecret: get('secrets.secretboxencryptionsecret') } : {}),
      ...(cbc ? { aescbcEncryptionSecret: get('secrets.aescbcencryptionsecret') } : {}),
    },
    trustdInfo: { token: get('trustdinfo.token') },
    certs: {
      etcd: { crt: pem('certs.etcd.crt'), key: pem('certs.etcd.key') },
      k8s: { crt: pem('certs.k8s.crt'), key: pem('certs.k8s.key') },
      k8sAggregator: { crt: pem('certs.k8saggregator.crt'), key: pem('certs.k8saggregator.key') },
      k8sServiceAccount: { key: pem('certs.k8sserviceaccount.key') },
      os: { crt: pem('certs.os.crt'), key: pem('certs.os.key') },
    },
  };
  if (problems.length === 0) problems.push(...checkBundleCertificates(bundle));
  if (problems.length > 0) throw new SecretsBundleError(source, problems);
  return bundle;
}

/** Form checks of the scalar fields: tokens, 32-byte secrets, one encryption secret. */
function checkValues(values: Values): string[] {
  const problems: string[] = [];
  const get = (path: string): string => values.get(path)?.value ?? '';
  const where = (path: string): string => values.get(path)?.where ?? path;
  for (const path of ['secrets.bootstraptoken', 'trustdinfo.token']) {
    if (!TokenPattern.test(get(path))) {
      problems.push(`${where(path)}: ${preview(get(path))} is not a token of the form [a-z0-9]{6}.[a-z0-9]{16}`);
    }
  }
  const secrets = [
    'cluster.id',
    'cluster.secret',
    'secrets.secretboxencryptionsecret',
    'secrets.aescbcencryptionsecret',
  ];
  for (const path of secrets) {
    if (values.has(path) && !isBase64Of32Bytes(get(path))) {
      problems.push(`${where(path)}: ${preview(get(path))} is not base64 of 32 bytes`);
    }
  }
  const box = values.has('secrets.secretboxencryptionsecret');
  if (box === values.has('secrets.aescbcencryptionsecret')) {
    problems.push(
      `secrets: want exactly one of secretboxencryptionsecret and aescbcencryptionsecret, found ${box ? 'both' : 'neither'}`,
    );
  }
  return problems;
}

interface WalkContext {
  lineCounter: LineCounter;
  problems: string[];
  values: Values;
}

function walk(node: Node | null, shape: Shape, path: string, ctx: WalkContext): void {
  const here = (n: Node | null | undefined): string => (n?.range ? `${at(ctx.lineCounter, n.range[0])}: ` : '');
  if (!isMap(node)) {
    ctx.problems.push(`${here(node)}${path === '' ? 'the document' : path}: want a mapping`);
    return;
  }
  const seen = new Set<string>();
  for (const item of node.items) {
    const keyNode = item.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const full = path === '' ? key : `${path}.${key}`;
    const expected = shape[key];
    if (expected === undefined) {
      ctx.problems.push(`${here(keyNode)}${full}: unknown field (known: ${Object.keys(shape).join(', ')})`);
      continue;
    }
    seen.add(key);
    const valueNode = item.value as Node | null;
    if (typeof expected === 'object') {
      walk(valueNode, expected, full, ctx);
    } else if (isScalar(valueNode) && typeof valueNode.value === 'string') {
      if (valueNode.value === '' && expected === 'string') ctx.problems.push(`${here(valueNode)}${full}: is empty`);
      else if (valueNode.value !== '')
        ctx.values.set(full, { value: valueNode.value, where: `${here(valueNode)}${full}` });
    } else {
      const shown = isScalar(valueNode) ? JSON.stringify(valueNode.value) : 'a collection';
      ctx.problems.push(`${here(valueNode)}${full}: want a string, found ${shown}`);
    }
  }
  for (const [key, expected] of Object.entries(shape)) {
    if (!seen.has(key) && expected !== 'string?') {
      ctx.problems.push(`${here(node)}${path === '' ? key : `${path}.${key}`}: is required`);
    }
  }
}

function at(lineCounter: LineCounter, offset: number): string {
  const { line, col } = lineCounter.linePos(offset);
  return `${line}:${col}`;
}

/** Serializes a bundle in the layout and field names of talosctl's secrets.yaml (4-space indent). */
export function serializeSecretsBundle(bundle: SecretsBundle): string {
  const b64 = pemToBase64;
  const secrets: Record<string, string> = { bootstraptoken: bundle.secrets.bootstrapToken };
  if (bundle.secrets.secretboxEncryptionSecret !== undefined) {
    secrets['secretboxencryptionsecret'] = bundle.secrets.secretboxEncryptionSecret;
  }
  if (bundle.secrets.aescbcEncryptionSecret !== undefined) {
    secrets['aescbcencryptionsecret'] = bundle.secrets.aescbcEncryptionSecret;
  }
  const pairOf = (p: { crt: string; key: string }) => ({ crt: b64(p.crt), key: b64(p.key) });
  return stringify(
    {
      cluster: { id: bundle.cluster.id, secret: bundle.cluster.secret },
      secrets,
      trustdinfo: { token: bundle.trustdInfo.token },
      certs: {
        etcd: pairOf(bundle.certs.etcd),
        k8s: pairOf(bundle.certs.k8s),
        k8saggregator: pairOf(bundle.certs.k8sAggregator),
        k8sserviceaccount: { key: b64(bundle.certs.k8sServiceAccount.key) },
        os: pairOf(bundle.certs.os),
      },
    },
    { indent: 4, lineWidth: 0 },
  );
}
