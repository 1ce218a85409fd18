import { type Document, type Node, isMap, isScalar, isSeq } from 'yaml';
import type { ConfigIssue, ConfigPath, DocumentRef } from './issue.ts';

/** The kind under which the v1alpha1 document is known (it has `version:` instead of `kind:`). */
export const V1Alpha1Kind = 'v1alpha1';

/**
 * One document of a config: its identity (apiVersion, kind, name), its decoded value, the yaml
 * Document it came from (comments and key order live there), and the content problems the schema
 * checks found in it.
 */
export interface ConfigDocument {
  readonly ref: DocumentRef;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name?: string;
  readonly value: unknown;
  readonly yaml: Document.Parsed;
  readonly errors: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];
}

/** The identity that must be unique within a config. */
export function documentKey(doc: Pick<ConfigDocument, 'apiVersion' | 'kind' | 'name'>): string {
  return `${doc.apiVersion}/${doc.kind}/${doc.name ?? ''}`;
}

/**
 * The yaml node at `path`, or the nearest ancestor that exists (so a message about a missing
 * field points at the mapping that should hold it).
 */
export function nodeAt(doc: Document, path: ConfigPath): { node: Node | undefined; exact: boolean } {
  let cur: unknown = doc.contents;
  for (const seg of path) {
    let next: unknown;
    if (isMap(cur)) next = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg))?.value;
    else if (isSeq(cur) && typeof seg === 'number') next = cur.items[seg];
    if (next === undefined || next === null) return { node: cur as Node | undefined, exact: false };
    cur = next;
  }
  return { node: cur as Node | undefined, exact: true };
}
