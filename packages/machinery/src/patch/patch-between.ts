import { isDeepStrictEqual } from 'node:util';
import { Document } from 'yaml';
import { parseDocuments, renderOptions } from './config-documents.ts';
import { Directive, DirectiveKey } from './directives.ts';
import { type DocumentIdentity, identityKey, isV1Alpha1 } from './identity.ts';
import { type MergeRule, ruleFor } from './merge-rules.ts';

type Data = unknown;
type PlainObject = Record<string, Data>;
interface Ctx {
  readonly identity: DocumentIdentity;
  readonly path: readonly string[];
}

/** No change at this spot; otherwise the patch value to put there. */
const Same = Symbol('same');

/**
 * The smallest strategic merge patch (as multi-document YAML, empty when there is no difference)
 * that turns the config `oldText` into `newText`. Only what changed is written: changed keys, keys
 * to delete (`key: {$patch: delete}`), new list elements (appended when the old list is a prefix
 * of the new one), keyed list elements (merged, added or deleted by their key), and whole
 * documents added or deleted. A list that cannot be reached that way is replaced whole with
 * `- $patch: replace`, a Bronze extension Talos does not read.
 */
export function strategicPatchBetween(
  oldText: string,
  newText: string,
  options: { oldSource?: string; newSource?: string } = {},
): string {
  const before = parseDocuments(oldText, { source: options.oldSource ?? 'old config', unique: true }).documents;
  const after = parseDocuments(newText, { source: options.newSource ?? 'new config', unique: true }).documents;
  const newKeys = new Set(after.map((d) => identityKey(d.identity)));
  const oldByKey = new Map(before.map((d) => [identityKey(d.identity), d]));
  const parts: PlainObject[] = [];
  for (const doc of before) {
    if (!newKeys.has(identityKey(doc.identity)))
      parts.push({ ...identityData(doc.identity), [DirectiveKey]: Directive.Delete });
  }
  for (const doc of after) {
    const data = doc.doc.toJS() as Data;
    const old = oldByKey.get(identityKey(doc.identity));
    if (old === undefined) {
      parts.push(data as PlainObject);
      continue;
    }
    const change = diffValue(old.doc.toJS(), data, { identity: doc.identity, path: [] });
    if (change !== Same)
      parts.push({ ...(isV1Alpha1(doc.identity) ? {} : identityData(doc.identity)), ...(change as PlainObject) });
  }
  return parts
    .map((part, index) => {
      const text = new Document(part).toString(renderOptions);
      return index > 0 ? `---\n${text}` : text;
    })
    .join('');
}

function identityData(id: DocumentIdentity): PlainObject {
  if (isV1Alpha1(id)) return { version: id.kind };
  return { apiVersion: id.apiVersion, kind: id.kind, ...(id.name === '' ? {} : { name: id.name }) };
}

/** The patch value that turns `old` into `next` at one spot, or Same. */
export function diffValue(old: Data, next: Data, ctx: Ctx): Data {
  if (isDeepStrictEqual(old, next)) return Same;
  const rule = ruleFor(ctx.identity, ctx.path);
  if (rule?.kind === 'replace') return next;
  if (isPlainObject(old) && isPlainObject(next)) return diffMaps(old, next, ctx);
  if (Array.isArray(old) && Array.isArray(next)) {
    return rule?.kind === 'keyed' ? (diffKeyed(old, next, rule, ctx) ?? replaceList(next)) : diffAppended(old, next);
  }
  return next;
}

function diffMaps(old: PlainObject, next: PlainObject, ctx: Ctx): PlainObject {
  const patch: PlainObject = {};
  for (const [key, value] of Object.entries(next)) {
    if (!Object.hasOwn(old, key)) {
      patch[key] = value;
      continue;
    }
    const change = diffValue(old[key], value, { ...ctx, path: [...ctx.path, key] });
    if (change !== Same) patch[key] = change;
  }
  for (const key of Object.keys(old)) {
    if (!Object.hasOwn(next, key)) patch[key] = { [DirectiveKey]: Directive.Delete };
  }
  return patch;
}

/** Appending lists: the new tail when the old list is a prefix of the new one, else a replacement. */
function diffAppended(old: Data[], next: Data[]): Data[] {
  const isPrefix = old.length <= next.length && old.every((item, i) => isDeepStrictEqual(item, next[i]));
  return isPrefix ? next.slice(old.length) : replaceList(next);
}

function replaceList(next: Data[]): Data[] {
  return [{ [DirectiveKey]: Directive.Replace }, ...next];
}

interface Keyed {
  readonly field: string;
  readonly value: Data;
  readonly id: string;
}

/**
 * Keyed lists: delete entries for old keys that are gone, merge entries for changed elements, new
 * elements appended. Undefined when the result could not come out in the new order, or when an
 * element has no key or a duplicate one (the caller then replaces the list).
 */
function diffKeyed(old: Data[], next: Data[], rule: MergeRule & { kind: 'keyed' }, ctx: Ctx): Data[] | undefined {
  const oldKeys = keysOf(old, rule.keys);
  const newKeys = keysOf(next, rule.keys);
  if (oldKeys === undefined || newKeys === undefined) return undefined;
  const newIds = new Set(newKeys.map((k) => k.id));
  const oldIds = new Set(oldKeys.map((k) => k.id));
  const kept = oldKeys.filter((k) => newIds.has(k.id)).map((k) => k.id);
  const added = newKeys.filter((k) => !oldIds.has(k.id)).map((k) => k.id);
  if (
    !isDeepStrictEqual(
      [...kept, ...added],
      newKeys.map((k) => k.id),
    )
  )
    return undefined;
  const patch: Data[] = [];
  for (const key of oldKeys) {
    if (!newIds.has(key.id)) patch.push({ [key.field]: key.value, [DirectiveKey]: Directive.Delete });
  }
  for (const [index, key] of newKeys.entries()) {
    const element = next[index];
    const oldIndex = oldKeys.findIndex((k) => k.id === key.id);
    if (oldIndex < 0) {
      patch.push(element);
      continue;
    }
    const change = diffValue(old[oldIndex], element, { ...ctx, path: [...ctx.path, '[]'] });
    if (change === Same) continue;
    patch.push(rule.replaceElement === true ? element : { [key.field]: key.value, ...(change as PlainObject) });
  }
  return patch;
}

function keysOf(list: Data[], fields: readonly string[]): Keyed[] | undefined {
  const keys: Keyed[] = [];
  for (const item of list) {
    if (!isPlainObject(item)) return undefined;
    const field = fields.find((f) => item[f] !== undefined && item[f] !== null && item[f] !== '');
    if (field === undefined) return undefined;
    const id = `${field}\u0000${stableJson(item[field])}`;
    if (keys.some((k) => k.id === id)) return undefined;
    keys.push({ field, value: item[field], id });
  }
  return keys;
}

/** JSON with object keys sorted, so that equal data (in any key order) gives equal text. */
function stableJson(value: Data): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(value[k])}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

function isPlainObject(value: Data): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
