import { isDeepStrictEqual } from 'node:util';
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, Pair, Scalar } from 'yaml';
import { keyText } from './directives.ts';
import { formatPointer, listIndex, parsePointer } from './json-pointer.ts';
import { PatchError, PatchErrorCode } from './patch-error.ts';
import type { JsonPatch, JsonPatchOperation } from './patch-types.ts';

class OperationProblem extends Error {
  override readonly name = 'OperationProblem';
}

/**
 * Applies an RFC 6902 JSON patch to one YAML document in place, operation by operation. A failing
 * operation throws a PatchError naming its index, op, path and position in the patch; the caller
 * works on a copy, so a failure leaves nothing half-applied.
 */
export function applyJsonPatch(doc: Document, patch: JsonPatch): void {
  for (const [index, op] of patch.operations.entries()) {
    try {
      applyOperation(doc, op);
    } catch (err) {
      if (!(err instanceof OperationProblem)) throw err;
      throw new PatchError(
        PatchErrorCode.OperationFailed,
        `${op.position}: JSON patch operation ${index} (${op.op} ${op.path || '""'}) failed: ${err.message}`,
      );
    }
  }
}

function applyOperation(doc: Document, op: JsonPatchOperation): void {
  const path = tokens(op.path);
  switch (op.op) {
    case 'add':
      add(doc, path, doc.createNode(op.value?.data ?? null));
      return;
    case 'remove':
      remove(doc, path);
      return;
    case 'replace':
      lookup(doc, path);
      if (path.length === 0) doc.contents = doc.createNode(op.value?.data ?? null);
      else add(doc, path, doc.createNode(op.value?.data ?? null));
      return;
    case 'move': {
      const from = tokens(op.from ?? '');
      if (path.length > from.length && isDeepStrictEqual(path.slice(0, from.length), from)) {
        throw new OperationProblem(`cannot move ${formatPointer(from)} into its own child`);
      }
      const value = lookup(doc, from);
      remove(doc, from);
      add(doc, path, value);
      return;
    }
    case 'copy':
      add(doc, path, cloneNode(lookup(doc, tokens(op.from ?? ''))));
      return;
    case 'test': {
      const actual = toData(lookup(doc, path));
      const expected = op.value?.data ?? null;
      if (!isDeepStrictEqual(actual, expected)) {
        throw new OperationProblem(`value is ${JSON.stringify(actual)}, the test expects ${JSON.stringify(expected)}`);
      }
      return;
    }
  }
}

function tokens(pointer: string): string[] {
  const parsed = parsePointer(pointer);
  if (!Array.isArray(parsed)) throw new OperationProblem(parsed.problem);
  return parsed;
}

/** The node at `path`; a missing key or index is an error naming the deepest existing prefix. */
function lookup(doc: Document, path: readonly string[]): unknown {
  let cur: unknown = doc.contents;
  for (const [depth, token] of path.entries()) {
    if (isAlias(cur)) cur = cur.resolve(doc);
    const here = formatPointer(path.slice(0, depth)) || 'the document';
    if (isMap(cur)) {
      const pair = cur.items.find((p) => keyText(p.key) === token);
      if (pair === undefined) throw new OperationProblem(`${here} has no key "${token}"`);
      cur = pair.value;
    } else if (isSeq(cur)) {
      const index = listIndex(token, cur.items.length, false);
      if (typeof index !== 'number') throw new OperationProblem(`${here}: ${index.problem}`);
      cur = cur.items[index];
    } else {
      throw new OperationProblem(`${here} is ${describe(cur)}, not a mapping or a list`);
    }
  }
  return cur;
}

function add(doc: Document, path: readonly string[], value: unknown): void {
  if (path.length === 0) {
    doc.contents = value as Node;
    return;
  }
  const last = path[path.length - 1] ?? '';
  const parentPath = path.slice(0, -1);
  let parent = lookup(doc, parentPath);
  if (isAlias(parent)) parent = parent.resolve(doc);
  if (isMap(parent)) {
    const pair = parent.items.find((p) => keyText(p.key) === last);
    if (pair === undefined) parent.items.push(new Pair(new Scalar(last), value));
    else pair.value = keepComment(pair.value, value);
  } else if (isSeq(parent)) {
    const index = listIndex(last, parent.items.length, true);
    if (typeof index !== 'number') throw new OperationProblem(`${formatPointer(parentPath)}: ${index.problem}`);
    parent.items.splice(index, 0, value);
  } else {
    throw new OperationProblem(
      `${formatPointer(parentPath) || 'the document'} is ${describe(parent)}, not a mapping or a list`,
    );
  }
}

function remove(doc: Document, path: readonly string[]): void {
  if (path.length === 0) throw new OperationProblem('cannot remove the whole document');
  lookup(doc, path);
  let parent = lookup(doc, path.slice(0, -1));
  if (isAlias(parent)) parent = parent.resolve(doc);
  const last = path[path.length - 1] ?? '';
  if (isMap(parent)) parent.items = parent.items.filter((p) => keyText(p.key) !== last);
  else if (isSeq(parent)) parent.items.splice(Number(last), 1);
}

function keepComment(old: unknown, value: unknown): unknown {
  if (isScalar(old) && isScalar(value) && old.comment !== undefined) value.comment = old.comment;
  return value;
}

function cloneNode(node: unknown): unknown {
  return isScalar(node) || isMap(node) || isSeq(node) ? node.clone() : node;
}

function toData(node: unknown): unknown {
  if (isScalar(node) || isMap(node) || isSeq(node)) return node.toJSON() as unknown;
  return node ?? null;
}

function describe(node: unknown): string {
  if (isScalar(node)) return `the value ${JSON.stringify(node.toJSON())}`;
  return 'not a collection';
}
