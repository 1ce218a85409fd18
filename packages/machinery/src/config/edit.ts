// Editing a loaded config by path while keeping everything else of the text as it was: a scalar
// replaced in place keeps its comments, quoting and indentation (through the lossless syntax
// tree); a structural edit re-encodes only the document it touches, with its comments.
import { CST, Composer, type Document, LineCounter, Parser, isScalar, parse } from 'yaml';
import type { ConfigBundle } from './bundle.ts';
import { nodeAt } from './document.ts';
import { type ConfigPath, describeValue, formatPath } from './issue.ts';
import { type LoadResult, loadConfig } from './load.ts';

export interface ConfigEdit {
  /** The document: its index, or its kind (`v1alpha1` for the main document). Default v1alpha1. */
  readonly document?: number | string;
  readonly name?: string;
  readonly path: ConfigPath;
  /** The new value; undefined deletes the path. */
  readonly value: unknown;
}

/** The config text as it is: every comment, space and key order kept. */
export function encodeConfig(bundle: ConfigBundle): string {
  return bundle.tokens.map((t) => CST.stringify(t)).join('');
}

/** Applies edits and loads the result again, so the new bundle is checked and positioned. */
export function editConfig(bundle: ConfigBundle, edits: readonly ConfigEdit[]): LoadResult {
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(bundle.text));
  const docs = Array.from(new Composer({ keepSourceTokens: true }).compose(tokens, false, bundle.text.length));
  const reencode = new Set<number>();
  for (const edit of edits) {
    const index = documentIndex(bundle, edit);
    const doc = index === undefined ? undefined : docs[index];
    if (index === undefined || doc === undefined) return editFailure(bundle, edit, 'no such document in the config');
    if (edit.path.length === 0) return editFailure(bundle, edit, 'an edit needs a path inside the document');
    try {
      if (!replaceScalar(doc, edit)) {
        if (edit.value === undefined) doc.deleteIn(edit.path);
        else doc.setIn(edit.path, edit.value);
        reencode.add(index);
      }
    } catch (err) {
      const why = err instanceof Error ? err.message.toLowerCase() : String(err);
      return editFailure(bundle, edit, `cannot set this path: ${why}`);
    }
  }
  let docIndex = -1;
  const text = tokens
    .map((t) => {
      if (t.type !== 'document') return CST.stringify(t);
      docIndex++;
      const doc = docs[docIndex];
      return doc !== undefined && reencode.has(docIndex) ? render(doc, CST.stringify(t)) : CST.stringify(t);
    })
    .join('');
  return loadConfig(text, { source: bundle.source });
}

function documentIndex(bundle: ConfigBundle, edit: ConfigEdit): number | undefined {
  if (typeof edit.document === 'number') return bundle.documents.find((d) => d.ref.index === edit.document)?.ref.index;
  const kind = edit.document ?? 'v1alpha1';
  return bundle.find(kind, edit.name)?.ref.index;
}

/** Rewrites one scalar through the syntax tree when both the old and the new value are scalars. */
function replaceScalar(doc: Document, edit: ConfigEdit): boolean {
  const v = edit.value;
  if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return false;
  const { node, exact } = nodeAt(doc, edit.path);
  if (!exact || !isScalar(node) || node.srcToken === undefined) return false;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const text = String(v);
  // Line breaks and control characters need the indentation context only the encoder has.
  if (!/^[\x20-\x7e]*$/.test(text)) return false;
  const plainOk = typeof v !== 'string' || (isPlainSafe(text) && !quoted);
  const type = plainOk ? 'PLAIN' : node.type === 'QUOTE_SINGLE' ? 'QUOTE_SINGLE' : 'QUOTE_DOUBLE';
  CST.setScalarValue(node.srcToken, text, { type });
  // Keep the Document in step (with its comments), in case another edit re-encodes this document.
  node.value = v;
  return true;
}

/** True when `text` written without quotes reads back as the same string. */
function isPlainSafe(text: string): boolean {
  if (!/^[A-Za-z0-9_./@+=~-][A-Za-z0-9_./@+=~:, -]*$/.test(text) || /\s$|: |:$/.test(text)) return false;
  try {
    return parse(text) === text;
  } catch {
    return false;
  }
}

/** Encodes a document in the indentation style of its original text. */
function render(doc: Document, original: string): string {
  const indents = original
    .split('\n')
    .map((l) => /^( +)[^ #]/.exec(l)?.[1]?.length)
    .filter((n): n is number => n !== undefined && n > 0);
  const indent = indents.length > 0 ? Math.min(...indents) : 2;
  const indentSeq = !/^(\s*)[^\s#-][^\n]*:\n\1- /m.test(original);
  return doc.toString({ indent, indentSeq, lineWidth: 0 });
}

function editFailure(bundle: ConfigBundle, edit: ConfigEdit, message: string): LoadResult {
  return {
    errors: [
      {
        code: 'invalid-value',
        message,
        source: bundle.source,
        path: formatPath(edit.path),
        value: describeValue(edit.value),
      },
    ],
    warnings: [],
  };
}
