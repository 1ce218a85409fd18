// The objects of a user's manifest (cluster.inlineManifests, cluster.extraManifests, a custom CNI's
// urls): YAML documents, each one Kubernetes object (a `kind: List` contributes its items). Empty
// documents are skipped; anything else that is not an object with apiVersion, kind and metadata.name
// is refused with the document's number and what is wrong, so a typo never half-applies.
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './k8s-client.ts';

export class ManifestDocumentError extends Error {
  override name = 'ManifestDocumentError';
}

function objectOf(value: unknown, where: string): KubeObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ManifestDocumentError(`${where} is not a Kubernetes object (a mapping with apiVersion, kind, metadata)`);
  const o = value as Record<string, unknown>;
  for (const key of ['apiVersion', 'kind'] as const)
    if (typeof o[key] !== 'string' || o[key] === '') throw new ManifestDocumentError(`${where} has no ${key}`);
  const meta = o['metadata'];
  const name = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>)['name'] : undefined;
  if (typeof name !== 'string' || name === '')
    throw new ManifestDocumentError(`${where} (${String(o['kind'])}) has no metadata.name`);
  return o as unknown as KubeObject;
}

/** The objects in `text`, in order; throws ManifestDocumentError naming the document (from 1). */
export function parseManifestObjects(text: string): KubeObject[] {
  const out: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const where = `document ${String(i + 1)}`;
    if ('errors' in doc && doc.errors.length > 0)
      throw new ManifestDocumentError(`${where}: ${doc.errors[0]?.message ?? 'not YAML'}`);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return;
    const items =
      (value as { kind?: unknown; items?: unknown }).kind === 'List' ? (value as { items?: unknown }).items : undefined;
    if (Array.isArray(items)) items.forEach((item, j) => out.push(objectOf(item, `${where} item ${String(j + 1)}`)));
    else out.push(objectOf(value, where));
  });
  return out;
}
