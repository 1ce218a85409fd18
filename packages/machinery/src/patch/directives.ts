import { isMap, isScalar, isSeq, type Node, type ParsedNode } from 'yaml';

/** The `$patch` key of strategic merge patches, and the values it may take. */
export const DirectiveKey = '$patch';
export const Directive = {
  /** Removes the document, key or list element the patch mapping stands for. */
  Delete: 'delete',
  /** Replaces the target whole instead of merging (a mapping with it, or a list with `- $patch: replace`). */
  Replace: 'replace',
} as const;
export type Directive = (typeof Directive)[keyof typeof Directive];

/** The directive a node carries (`$patch: delete` or `$patch: replace` in a mapping), if any. */
export function directiveOf(node: unknown): Directive | undefined {
  if (!isMap(node)) return undefined;
  const value = node.get(DirectiveKey, true);
  if (!isScalar(value)) return undefined;
  return value.value === Directive.Delete || value.value === Directive.Replace ? value.value : undefined;
}

/** The text of a mapping key, for matching keys of the config against keys of the patch. */
export function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

/**
 * A copy of a patch value with every directive taken out: `$patch` keys, keys whose value is
 * `{$patch: delete}` (there is nothing to delete in new content) and directive list elements.
 */
export function withoutDirectives<T extends Node>(node: T): T {
  const copy = node.clone() as T;
  strip(copy);
  return copy;
}

function strip(node: unknown): void {
  if (isMap(node)) {
    node.items = node.items.filter(
      (pair) => keyText(pair.key) !== DirectiveKey && directiveOf(pair.value) !== Directive.Delete,
    );
    for (const pair of node.items) strip(pair.value);
  } else if (isSeq(node)) {
    node.items = node.items.filter((item) => directiveOf(item) === undefined);
    for (const item of node.items) strip(item);
  }
}

/** Every `$patch` key in a patch with a value other than `delete` or `replace`, for load-time errors. */
export function findBadDirectives(node: unknown, found: ParsedNode[] = []): ParsedNode[] {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (keyText(pair.key) === DirectiveKey) {
        const value = pair.value as ParsedNode | null;
        if (value === null || !isScalar(value) || (value.value !== 'delete' && value.value !== 'replace')) {
          found.push((value ?? pair.key) as ParsedNode);
        }
      }
      findBadDirectives(pair.value, found);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) findBadDirectives(item, found);
  }
  return found;
}
