import { Document, isMap, Pair, Scalar, type YAMLMap } from 'yaml';
import type { SourceDocument } from './config-documents.ts';
import { Directive, directiveOf, keyText, withoutDirectives } from './directives.ts';
import { type DocumentIdentity, describeIdentity, identityFields, identityKey, isV1Alpha1 } from './identity.ts';
import { PatchError, PatchErrorCode, positionOf } from './patch-error.ts';
import type { StrategicPatch } from './patch-types.ts';
import { mergeValue } from './strategic-merge.ts';

/** A document of the config being patched; `doc.contents` is always the mapping. */
export interface WorkingDocument {
  readonly doc: Document;
  readonly identity: DocumentIdentity;
  /** For documents read from the config: their source text and its unchanged rendering. */
  readonly original?: { readonly text: string; readonly rendered: string };
}

/**
 * Applies a strategic merge patch to the documents of a config, in place. Each patch document
 * merges into the config document with the same identity, or is appended when there is none; a
 * patch document of only its identity and `$patch: delete` removes the document (nothing happens
 * when it is not there).
 */
export function applyStrategicPatch(docs: WorkingDocument[], patch: StrategicPatch): void {
  for (const part of patch.documents) {
    const index = docs.findIndex((d) => identityKey(d.identity) === identityKey(part.identity));
    if (directiveOf(part.map) === Directive.Delete) {
      checkDocumentDelete(part, patch);
      if (index >= 0) docs.splice(index, 1);
      continue;
    }
    const existing = index >= 0 ? docs[index] : undefined;
    if (existing === undefined) {
      docs.push(newDocument(part));
      continue;
    }
    const ctx = { doc: existing.doc, identity: existing.identity, path: [], source: patch.source };
    existing.doc.contents = mergeValue(existing.doc.contents, part.map, ctx);
  }
}

function checkDocumentDelete(part: SourceDocument, patch: StrategicPatch): void {
  const extra = part.map.items.find((pair) => {
    const key = keyText(pair.key);
    return key !== '$patch' && !identityFields.includes(key);
  });
  if (extra !== undefined) {
    throw new PatchError(
      PatchErrorCode.Malformed,
      `${positionOf(patch.source, extra.key as YAMLMap, patch.lines)}: a document with "$patch: delete" deletes ${describeIdentity(part.identity)} whole and takes only its identity (apiVersion, kind, name), found "${keyText(extra.key)}": move that key to another document`,
    );
  }
}

function newDocument(part: SourceDocument): WorkingDocument {
  const map = withoutDirectives(part.map);
  if (isV1Alpha1(part.identity) && map.get('version') === undefined) {
    map.items.unshift(new Pair(new Scalar('version'), new Scalar(part.identity.kind)));
  }
  const doc = new Document();
  doc.contents = map;
  if (!isMap(doc.contents)) throw new Error('unreachable: a patch document is a mapping');
  return { doc, identity: part.identity };
}
