import { isMap, isScalar, type YAMLMap } from 'yaml';

/**
 * Which document of a multi-document config a YAML document is. The v1alpha1 document (the one
 * with `version: v1alpha1` and no `kind`) has `kind: 'v1alpha1'` and an empty `apiVersion`; every
 * other document is `(apiVersion, kind, name)`, with `name` empty for unnamed kinds.
 */
export interface DocumentIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

export const V1Alpha1 = 'v1alpha1';

/** The identity keys a document carries, which a patch must not treat as content. */
export const identityFields: readonly string[] = ['version', 'apiVersion', 'kind', 'name'];

/** A scalar value of `key` in `map` as text, or undefined when absent or not a scalar. */
export function scalarText(map: unknown, key: string): string | undefined {
  if (!isMap(map)) return undefined;
  const node = map.get(key, true);
  if (!isScalar(node) || node.value === null || node.value === undefined) return undefined;
  const value: unknown = node.value;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The identity of a document's top-level mapping, or a problem description. A mapping without
 * `kind` is the v1alpha1 document (patches usually leave out `version`); one with `kind` needs
 * `apiVersion` too.
 */
export function identityOf(map: YAMLMap): DocumentIdentity | string {
  const kind = scalarText(map, 'kind');
  const apiVersion = scalarText(map, 'apiVersion');
  if (kind === undefined) {
    if (apiVersion !== undefined) return `document has apiVersion "${apiVersion}" but no kind: add kind`;
    const version = scalarText(map, 'version') ?? V1Alpha1;
    return { apiVersion: '', kind: version, name: '' };
  }
  if (apiVersion === undefined) return `document of kind "${kind}" has no apiVersion: add apiVersion: v1alpha1`;
  return { apiVersion, kind, name: scalarText(map, 'name') ?? '' };
}

/** A string that is equal for equal identities; used as a map key. */
export function identityKey(id: DocumentIdentity): string {
  return `${id.apiVersion}\u0000${id.kind}\u0000${id.name}`;
}

/** How messages and diff headers name a document: `v1alpha1`, `HostnameConfig`, `ExtensionServiceConfig "foo"`. */
export function describeIdentity(id: DocumentIdentity): string {
  return id.name === '' ? id.kind : `${id.kind} "${id.name}"`;
}

/** Whether the identity is the v1alpha1 document (its rule table and display differ). */
export function isV1Alpha1(id: DocumentIdentity): boolean {
  return id.apiVersion === '' && id.kind === V1Alpha1;
}
