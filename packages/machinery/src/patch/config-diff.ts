import { type ParsedDocuments, parseDocuments, type SourceDocument } from './config-documents.ts';
import { describeIdentity, identityKey } from './identity.ts';
import { diffLines, type Hunk, type LineEdit, toHunks } from './line-diff.ts';

export interface ConfigDiffOptions {
  /** Names of the two configs in headers and errors (file names). */
  readonly oldSource?: string;
  readonly newSource?: string;
  /** Unchanged lines shown around each change; 3 like diff -u. */
  readonly context?: number;
  /** ANSI colours (red removals, green additions); for terminals only. */
  readonly color?: boolean;
}

/** A document's own lines in its file and the number of its first line. */
interface DocumentText {
  readonly name: string;
  readonly lines: readonly string[];
  readonly firstLine: number;
}

const Ansi = { bold: '\u001b[1m', red: '\u001b[31m', green: '\u001b[32m', cyan: '\u001b[36m', reset: '\u001b[0m' };

/**
 * A unified diff of two machine configs, document by document: documents are matched by identity
 * (not position), each pair that differs gets its own `---`/`+++` header naming the document and
 * hunks numbered by lines of the files, and added or removed documents are shown whole. Empty when
 * the configs are the same text document for document.
 */
export function diffConfigs(oldText: string, newText: string, options: ConfigDiffOptions = {}): string {
  const oldSource = options.oldSource ?? 'old';
  const newSource = options.newSource ?? 'new';
  const before = parseDocuments(oldText, { source: oldSource, unique: true });
  const after = parseDocuments(newText, { source: newSource, unique: true });
  const oldTexts = documentTexts(before);
  const newTexts = documentTexts(after);
  const newByKey = new Map(after.documents.map((d, i) => [identityKey(d.identity), newTexts[i]]));
  const oldKeys = new Set(before.documents.map((d) => identityKey(d.identity)));
  const out: string[] = [];
  const render = (a: DocumentText | undefined, b: DocumentText | undefined): void => {
    out.push(renderPair(a, b, { oldSource, newSource, context: options.context ?? 3, color: options.color === true }));
  };
  for (const [i, doc] of before.documents.entries()) render(oldTexts[i], newByKey.get(identityKey(doc.identity)));
  for (const [i, doc] of after.documents.entries()) {
    if (!oldKeys.has(identityKey(doc.identity))) render(undefined, newTexts[i]);
  }
  return out.join('');
}

function documentTexts(parsed: ParsedDocuments): DocumentText[] {
  return parsed.documents.map((doc: SourceDocument) => {
    const lines = parsed.text.slice(doc.start, doc.end).split('\n');
    let firstLine = parsed.lines.linePos(doc.start).line;
    if (lines.at(-1) === '') lines.pop();
    while (lines.length > 0 && /^---(\s|$)/.test(lines[0] ?? '')) {
      lines.shift();
      firstLine++;
    }
    return { name: describeIdentity(doc.identity), lines, firstLine };
  });
}

interface RenderOptions {
  readonly oldSource: string;
  readonly newSource: string;
  readonly context: number;
  readonly color: boolean;
}

function renderPair(a: DocumentText | undefined, b: DocumentText | undefined, options: RenderOptions): string {
  const edits = diffLines(a?.lines ?? [], b?.lines ?? []);
  if (edits.every((e) => e.kind === ' ')) return '';
  const name = (a ?? b)?.name ?? '';
  const paint = (code: string, text: string): string => (options.color ? `${code}${text}${Ansi.reset}` : text);
  const header = [
    paint(Ansi.bold, `--- ${options.oldSource}\t${a === undefined ? `(no ${name} document)` : name}`),
    paint(Ansi.bold, `+++ ${options.newSource}\t${b === undefined ? `(no ${name} document)` : name}`),
  ];
  const hunks = toHunks(edits, {
    context: a === undefined || b === undefined ? Number.MAX_SAFE_INTEGER : options.context,
    oldFirst: a?.firstLine ?? 1,
    newFirst: b?.firstLine ?? 1,
  });
  const body = hunks.flatMap((h) => [paint(Ansi.cyan, hunkHeader(h)), ...h.lines.map((l) => line(l, paint))]);
  return `${[...header, ...body].join('\n')}\n`;
}

function hunkHeader(h: Hunk): string {
  return `@@ -${h.oldStart},${h.oldCount} +${h.newStart},${h.newCount} @@`;
}

function line(edit: LineEdit, paint: (code: string, text: string) => string): string {
  const text = `${edit.kind}${edit.text}`;
  if (edit.kind === '-') return paint(Ansi.red, text);
  if (edit.kind === '+') return paint(Ansi.green, text);
  return text;
}
