// What the Kubernetes API client needs from a kubeconfig: the server URL and the PEM material of
// one context (certificate-authority-data, client-certificate-data, client-key-data; file paths too).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface KubeEndpoint {
  /** https://HOST:PORT */
  server: string;
  ca: string;
  cert: string;
  key: string;
}

export class KubeconfigReadError extends Error {
  override readonly name = 'KubeconfigReadError';
}

export function isKubeconfigReadError(err: unknown): err is KubeconfigReadError {
  return err instanceof Error && err.name === 'KubeconfigReadError';
}

type Named = { name?: unknown } & Record<string, unknown>;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function entry(list: unknown, name: string, field: string, source: string): Record<string, unknown> {
  const found = (Array.isArray(list) ? (list as Named[]) : []).find((e) => e.name === name);
  if (found === undefined) throw new KubeconfigReadError(`${source}: no ${field} named "${name}"`);
  return record(found[field]);
}

function pem(section: Record<string, unknown>, key: string, what: string, source: string): string {
  const data = section[`${key}-data`];
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64').toString('utf8');
  const file = section[key];
  if (typeof file === 'string' && file !== '') return readFileSync(file, 'utf8');
  throw new KubeconfigReadError(
    `${source}: the ${what} has no ${key}-data or ${key}: use a kubeconfig with client certificates`,
  );
}

/** The endpoint of `context` (default: current-context) in kubeconfig `text`. */
export function kubeEndpointFromKubeconfig(
  text: string,
  options: { context?: string; source?: string } = {},
): KubeEndpoint {
  const source = options.source ?? 'kubeconfig';
  let doc: Record<string, unknown>;
  try {
    doc = record(parse(text));
  } catch (err) {
    throw new KubeconfigReadError(`${source}: not YAML`, { cause: err });
  }
  const contextName = options.context ?? doc['current-context'];
  if (typeof contextName !== 'string' || contextName === '') {
    throw new KubeconfigReadError(`${source}: no current-context: name a context`);
  }
  const context = entry(doc['contexts'], contextName, 'context', source);
  const cluster = entry(doc['clusters'], String(context['cluster']), 'cluster', source);
  const user = entry(doc['users'], String(context['user']), 'user', source);
  const server = cluster['server'];
  if (typeof server !== 'string' || !server.startsWith('https://')) {
    throw new KubeconfigReadError(`${source}: cluster server "${String(server)}" is not an https:// URL`);
  }
  return {
    server: server.replace(/\/+$/, ''),
    ca: pem(cluster, 'certificate-authority', 'cluster', source),
    cert: pem(user, 'client-certificate', 'user', source),
    key: pem(user, 'client-key', 'user', source),
  };
}
