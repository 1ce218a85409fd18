import { isMap, isSeq, LineCounter, parseAllDocuments, type ParsedNode, visit, type YAMLMap } from 'yaml';
import { parseDocuments } from './config-documents.ts';
import { findBadDirectives } from './directives.ts';
import { PatchError, PatchErrorCode, positionOf } from './patch-error.ts';
import { type ConfigPatch, type JsonPatchOperation, JsonPatchOps, type JsonPatchOp } from './patch-types.ts';

/**
 * Reads a patch the way talosctl does: a YAML/JSON list is an RFC 6902 JSON patch, anything else
 * is a strategic merge patch of one or more documents. `source` names the patch in errors, which
 * carry `source:line:column` and the problem.
 */
export function parsePatch(text: string, source: string): ConfigPatch {
  const lines = new LineCounter();
  const raw = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const docs = (Array.isArray(raw) ? raw : []).filter((d) => d.contents !== null || d.errors.length > 0);
  const first = docs[0];
  if (first !== undefined && first.errors.length === 0 && isSeq(first.contents)) {
    if (docs.length > 1) {
      throw new PatchError(
        PatchErrorCode.Malformed,
        `${positionOf(source, docs[1]?.contents, lines)}: a JSON patch is a single list of operations, but more documents follow it`,
      );
    }
    return { kind: 'json6902', source, operations: parseOperations(first.contents, source, lines) };
  }
  for (const doc of docs) {
    if (doc.errors.length === 0 && isSeq(doc.contents)) {
      throw new PatchError(
        PatchErrorCode.Malformed,
        `${positionOf(source, doc.contents, lines)}: a list (JSON patch) cannot be one document of a multi-document strategic patch`,
      );
    }
  }
  const parsed = parseDocuments(text, { source, unique: false, code: PatchErrorCode.Malformed });
  for (const part of parsed.documents) {
    let alias: ParsedNode | undefined;
    visit(part.doc, {
      Alias: (_key, node) => {
        alias = node as ParsedNode;
        return visit.BREAK;
      },
    });
    if (alias !== undefined) {
      throw new PatchError(
        PatchErrorCode.Malformed,
        `${positionOf(source, alias, parsed.lines)}: aliases (*name) are not supported in patches: write the value out`,
      );
    }
    const bad = findBadDirectives(part.map)[0];
    if (bad !== undefined) {
      throw new PatchError(
        PatchErrorCode.Malformed,
        `${positionOf(source, bad, parsed.lines)}: "$patch" must be "delete" or "replace", found ${JSON.stringify(bad.toJSON())}`,
      );
    }
  }
  return { kind: 'strategic', source, lines: parsed.lines, documents: parsed.documents };
}

function parseOperations(list: ParsedNode, source: string, lines: LineCounter): JsonPatchOperation[] {
  if (!isSeq(list)) return [];
  return list.items.map((item, index) => {
    const where = positionOf(source, item, lines);
    const fail = (problem: string): never => {
      throw new PatchError(PatchErrorCode.Malformed, `${where}: JSON patch operation ${index}: ${problem}`);
    };
    if (!isMap(item)) return fail('expected a mapping with "op" and "path"');
    const data = (item as YAMLMap).toJSON() as Record<string, unknown>;
    const op = data.op;
    if (typeof op !== 'string' || !(JsonPatchOps as readonly string[]).includes(op)) {
      return fail(
        `"op" must be one of ${JsonPatchOps.join(', ')}, found ${op === undefined ? 'nothing' : JSON.stringify(op)}`,
      );
    }
    if (typeof data.path !== 'string')
      return fail(`"path" must be a JSON pointer string such as "/machine/network/hostname"`);
    const operation: { -readonly [K in keyof JsonPatchOperation]: JsonPatchOperation[K] } = {
      op: op as JsonPatchOp,
      path: data.path,
      position: where,
    };
    if (op === 'move' || op === 'copy') {
      if (typeof data.from !== 'string') return fail(`"${op}" needs "from", a JSON pointer string`);
      operation.from = data.from;
    }
    if (op === 'add' || op === 'replace' || op === 'test') {
      if (!Object.hasOwn(data, 'value')) return fail(`"${op}" needs "value"`);
      operation.value = { data: data.value };
    }
    return operation;
  });
}
