import { isDeepStrictEqual } from 'node:util';
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Node,
  Pair,
  Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { Directive, DirectiveKey, directiveOf, keyText, withoutDirectives } from './directives.ts';
import { type DocumentIdentity, describeIdentity } from './identity.ts';
import { type MergeRule, ruleFor } from './merge-rules.ts';
import { PatchError, PatchErrorCode } from './patch-error.ts';

/** Where a merge is: the document (for its rules and aliases), the path so far, and the patch's name. */
interface MergeContext {
  readonly doc: Document;
  readonly identity: DocumentIdentity;
  readonly path: readonly string[];
  readonly source: string;
}

/**
 * Merges one patch value into a config value with Talos's strategic-merge rules and returns the
 * result (the target itself, changed in place, when both are collections that merge). Comments
 * and key order of the target survive; new keys and elements go at the end.
 */
export function mergeValue(target: unknown, patch: unknown, ctx: MergeContext): Node {
  const resolved = isAlias(target) ? target.resolve(ctx.doc)?.clone() : target;
  if (isMap(patch)) return mergeMap(resolved, patch, ctx);
  if (isSeq(patch)) return mergeSeq(resolved, patch, ctx);
  const copy = isScalar(patch) ? patch.clone() : undefined;
  const value = isScalar(copy) ? copy : new Scalar(null);
  if (isScalar(resolved)) {
    // keep the comments around the value being replaced
    if (resolved.comment !== undefined) value.comment = resolved.comment;
    if (resolved.commentBefore !== undefined) value.commentBefore = resolved.commentBefore;
  }
  return value;
}

function mergeMap(target: unknown, patch: YAMLMap, ctx: MergeContext): Node {
  if (directiveOf(patch) === Directive.Replace || ruleFor(ctx.identity, ctx.path)?.kind === 'replace') {
    return inStyleOf(target, withoutDirectives(patch));
  }
  if (!isMap(target)) return withoutDirectives(patch);
  if (target.items.length === 0 && target.flow === true) target.flow = patch.flow === true;
  for (const pair of patch.items) {
    const key = keyText(pair.key);
    if (key === DirectiveKey) continue;
    const index = target.items.findIndex((p) => keyText(p.key) === key);
    if (directiveOf(pair.value) === Directive.Delete) {
      if (index >= 0) target.items.splice(index, 1);
      continue;
    }
    const old = index >= 0 ? target.items[index] : undefined;
    if (old !== undefined) {
      old.value = mergeValue(old.value, pair.value, { ...ctx, path: [...ctx.path, key] });
    } else {
      const value = isMap(pair.value) || isSeq(pair.value) ? withoutDirectives(pair.value) : pair.value;
      const keyNode = isScalar(pair.key) ? pair.key.clone() : new Scalar(key);
      target.items.push(new Pair(keyNode, mergeValue(undefined, value, ctx)));
    }
  }
  return target;
}

/** A replacement written like what it replaces: block or flow as the config had it (block for an empty `[]`/`{}`). */
function inStyleOf<T extends YAMLMap | YAMLSeq>(target: unknown, replacement: T): T {
  const sameKind = (isMap(target) && isMap(replacement)) || (isSeq(target) && isSeq(replacement));
  if (sameKind && target.items.length > 0) replacement.flow = target.flow === true;
  else if (sameKind) replacement.flow = false;
  return replacement;
}

function mergeSeq(target: unknown, patch: YAMLSeq, ctx: MergeContext): Node {
  const rule = ruleFor(ctx.identity, ctx.path);
  const wantsReplace = patch.items.some((item) => directiveOf(item) === Directive.Replace);
  if (wantsReplace || rule?.kind === 'replace' || !isSeq(target)) return inStyleOf(target, withoutDirectives(patch));
  if (target.items.length === 0 && target.flow === true) target.flow = patch.flow === true;
  for (const item of patch.items) {
    if (directiveOf(item) === Directive.Delete) deleteElement(target, item as YAMLMap, rule, ctx);
  }
  const elementPath = [...ctx.path, '[]'];
  for (const item of patch.items) {
    if (directiveOf(item) === Directive.Delete) continue;
    const index = rule?.kind === 'keyed' && isMap(item) ? findKeyed(target, item, rule.keys) : -1;
    if (index >= 0 && rule?.kind === 'keyed' && rule.replaceElement !== true) {
      target.items[index] = mergeValue(target.items[index], item, { ...ctx, path: elementPath });
    } else if (index >= 0) {
      target.items[index] = withoutDirectives(item as Node);
    } else {
      target.items.push(isMap(item) || isSeq(item) ? withoutDirectives(item) : mergeValue(undefined, item, ctx));
    }
  }
  return target;
}

/**
 * Removes the first element the delete entry selects: by the list's merge key when the entry has
 * it, else by the entry's first other key (Talos's rule). Deleting an element that is not there
 * changes nothing.
 */
function deleteElement(target: YAMLSeq, entry: YAMLMap, rule: MergeRule | undefined, ctx: MergeContext): void {
  const keys = rule?.kind === 'keyed' ? rule.keys : [];
  let index = keys.length > 0 ? findKeyed(target, entry, keys) : -1;
  if (index < 0) {
    const selector = entry.items.find((pair) => keyText(pair.key) !== DirectiveKey);
    if (selector === undefined) {
      throw new PatchError(
        PatchErrorCode.Malformed,
        `${ctx.source}: ${describeIdentity(ctx.identity)} ${ctx.path.join('.')}: "$patch: delete" in a list needs a key that picks the element (for example "- interface: eth0")`,
      );
    }
    index = findBy(target, keyText(selector.key), selector.value);
  }
  if (index >= 0) target.items.splice(index, 1);
}

/** The index of the element matching `entry` on the first of `keys` that `entry` sets, or -1. */
export function findKeyed(target: YAMLSeq, entry: YAMLMap, keys: readonly string[]): number {
  for (const key of keys) {
    const value = entry.get(key, true);
    if (value === undefined || (isScalar(value) && (value.value === '' || value.value === null))) continue;
    return findBy(target, key, value);
  }
  return -1;
}

function findBy(target: YAMLSeq, key: string, value: unknown): number {
  const wanted = toData(value);
  return target.items.findIndex((item) => isMap(item) && isDeepStrictEqual(toData(item.get(key, true)), wanted));
}

function toData(node: unknown): unknown {
  if (isScalar(node) || isMap(node) || isSeq(node)) return node.toJSON() as unknown;
  return node;
}
