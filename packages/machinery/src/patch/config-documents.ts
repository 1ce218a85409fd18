import { type Document, isMap, LineCounter, parseAllDocuments, type ToStringOptions, type YAMLMap } from 'yaml';
import { type DocumentIdentity, describeIdentity, identityKey, identityOf } from './identity.ts';
import { PatchError, PatchErrorCode, type PatchErrorCode as Code, positionOf } from './patch-error.ts';

/** One document of a config or a patch, with its identity and where it came from. */
export interface SourceDocument {
  readonly doc: Document.Parsed;
  readonly map: YAMLMap;
  readonly identity: DocumentIdentity;
  /** The document's own text in the source: from the end of the previous document to its end. */
  readonly start: number;
  readonly end: number;
}

/** A multi-document YAML text split into documents (empty ones dropped), keeping comments and order. */
export interface ParsedDocuments {
  readonly source: string;
  readonly text: string;
  readonly lines: LineCounter;
  readonly documents: SourceDocument[];
}

/** How config YAML is written back: no folding of long lines, compact flow collections. */
export const renderOptions: ToStringOptions = { lineWidth: 0, flowCollectionPadding: false };

/**
 * Parses YAML text into its documents. Every problem is a PatchError naming `source:line:column`:
 * a syntax error, a document that is not a mapping, a document without a usable identity, and (for
 * configs, `unique: true`) two documents with the same identity.
 */
export function parseDocuments(
  text: string,
  options: { source: string; unique: boolean; code?: Code },
): ParsedDocuments {
  const { source } = options;
  const code = options.code ?? PatchErrorCode.BadConfig;
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const all = Array.isArray(docs) ? docs : [];
  const documents: SourceDocument[] = [];
  const seen = new Map<string, number>();
  let start = 0;
  for (const [index, doc] of all.entries()) {
    const end = doc.range[2];
    const begin = start;
    start = end;
    const failure = doc.errors[0];
    if (failure !== undefined) {
      const { line, col } = lines.linePos(failure.pos[0]);
      throw new PatchError(code, `${source}:${line}:${col}: ${firstLine(failure.message)}`);
    }
    if (doc.contents === null) continue;
    checkAliases(doc, { source, code, lines });
    if (!isMap(doc.contents)) {
      throw new PatchError(
        code,
        `${positionOf(source, doc.contents, lines)}: document ${index + 1} is not a mapping: a config document is a set of keys (key: value)`,
      );
    }
    const identity = identityOf(doc.contents);
    if (typeof identity === 'string') {
      throw new PatchError(code, `${positionOf(source, doc.contents, lines)}: ${identity}`);
    }
    if (options.unique) {
      const key = identityKey(identity);
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        throw new PatchError(
          code,
          `${positionOf(source, doc.contents, lines)}: duplicate document ${describeIdentity(identity)} (also document ${earlier}): keep one`,
        );
      }
      seen.set(key, index + 1);
    }
    documents.push({ doc, map: doc.contents, identity, start: begin, end });
  }
  return { source, text, lines, documents };
}

/**
 * The indentation step a YAML text uses (Talos writes 4 spaces, most tools 2): the smallest
 * indentation of a line that is not blank, a comment or a block scalar's continuation.
 */
export function detectIndent(text: string): number {
  let smallest = Number.POSITIVE_INFINITY;
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (indent === 0 || line.trim() === '' || line.trimStart().startsWith('#')) continue;
    smallest = Math.min(smallest, indent);
  }
  return Number.isFinite(smallest) && smallest <= 8 ? smallest : 2;
}

/** Aliases must point at an anchor set before them, and not blow up in size (a "billion laughs" input). */
function checkAliases(doc: Document.Parsed, where: { source: string; code: Code; lines: LineCounter }): void {
  try {
    doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new PatchError(where.code, `${positionOf(where.source, doc.contents, where.lines)}: ${firstLine(message)}`);
  }
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}
