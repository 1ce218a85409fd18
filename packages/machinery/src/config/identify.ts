// What a document is, from its top-level fields: `version: v1alpha1` for the main document, or
// `apiVersion` + `kind` (+ `name` for named kinds) for the others.
import { type Node, type YAMLMap, isScalar } from 'yaml';
import { V1Alpha1Kind } from './document.ts';
import { describeValue } from './issue.ts';
import type { KindRegistry } from './kinds/registry.ts';
import type { SchemaNode } from './schema/builder.ts';
import type { IssueCollector } from './schema/collector.ts';
import { v1alpha1Schema } from './v1alpha1/config.ts';

export interface Identity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name?: string;
  readonly schema: SchemaNode;
}

/** The identity of a document, or undefined after reporting why it has none. */
export function identifyDocument(
  root: YAMLMap.Parsed,
  ctx: { index: number; kinds: KindRegistry; out: IssueCollector },
): Identity | undefined {
  const node = (name: string): Node | undefined =>
    root.items.find((p) => isScalar(p.key) && p.key.value === name)?.value ?? undefined;
  const value = (name: string): unknown => {
    const n = node(name);
    return isScalar(n) ? n.value : n;
  };
  const fail = (code: 'missing-field' | 'unknown-version' | 'unknown-kind', field: string, message: string): void => {
    const at = node(field);
    const shown = field === '' ? {} : { value: describeValue(value(field)) };
    ctx.out.add('fatal', { code, path: field === '' ? [] : [field], at: at ?? root, message, ...shown });
  };
  const kind = value('kind');
  if (kind === undefined) {
    const version = value('version');
    if (version === undefined) {
      fail('missing-field', '', 'a document needs "kind:" (multi-document kinds) or "version: v1alpha1"');
      return undefined;
    }
    if (version !== V1Alpha1Kind) {
      fail('unknown-version', 'version', 'unsupported version: only v1alpha1 exists');
      return undefined;
    }
    return { apiVersion: V1Alpha1Kind, kind: V1Alpha1Kind, schema: v1alpha1Schema };
  }
  const def = typeof kind === 'string' ? ctx.kinds.get(kind) : undefined;
  ctx.out.document = { index: ctx.index, kind: typeof kind === 'string' ? kind : describeValue(kind) };
  if (def === undefined) {
    fail('unknown-kind', 'kind', `unknown document kind; known kinds: ${ctx.kinds.kinds().join(', ')}`);
    return undefined;
  }
  if (value('apiVersion') !== def.apiVersion) {
    fail('unknown-version', 'apiVersion', `${def.kind} needs apiVersion: ${def.apiVersion}`);
    return undefined;
  }
  const name = value('name');
  if (!def.named) return { apiVersion: def.apiVersion, kind: def.kind, schema: def.schema };
  if (typeof name !== 'string' || name === '') {
    fail('missing-field', 'name', `a ${def.kind} document needs a name`);
    return undefined;
  }
  return { apiVersion: def.apiVersion, kind: def.kind, name, schema: def.schema };
}
