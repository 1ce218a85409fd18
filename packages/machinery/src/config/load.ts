// Loading a machine config from text: yaml syntax, document identity, strict schema decoding.
// Bad input is a value (`errors`), never a throw.
import { Composer, type Document, LineCounter, Parser, type YAMLError, isMap } from 'yaml';
import { ConfigBundle } from './bundle.ts';
import { type ConfigDocument, documentKey } from './document.ts';
import { type ConfigIssue, describeValue } from './issue.ts';
import { identifyDocument } from './identify.ts';
import { type KindRegistry, configKinds } from './kinds/registry.ts';
import { type IssueAt, IssueCollector } from './schema/collector.ts';
import { decodeNode } from './schema/decode.ts';

export interface LoadOptions {
  /** Named in every issue: usually the file name. */
  readonly source?: string;
  readonly kinds?: KindRegistry;
}

export interface LoadResult {
  /** Set when the config has no structural errors (content problems are found by validateConfig). */
  readonly config?: ConfigBundle;
  readonly errors: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];
}

export function loadConfig(text: string, opts: LoadOptions = {}): LoadResult {
  const source = opts.source ?? '<config>';
  const kinds = opts.kinds ?? configKinds;
  const lines = new LineCounter();
  const tokens = Array.from(new Parser(lines.addNewLine).parse(text));
  const composer = new Composer({ keepSourceTokens: true, uniqueKeys: true, prettyErrors: false, strict: true });
  const yamlDocs = Array.from(composer.compose(tokens, false, text.length));
  const out = new IssueCollector(source, { lines });
  const documents: ConfigDocument[] = [];
  const seen = new Map<string, ConfigDocument>();
  yamlDocs.forEach((yaml, index) => {
    out.document = { index, kind: '' };
    for (const e of yaml.errors) out.add('fatal', syntaxIssue(text, e));
    for (const w of yaml.warnings) out.add('warning', syntaxIssue(text, w));
    if (yaml.errors.length > 0 || yaml.contents === null) return;
    const doc = loadDocument(yaml, { index, source, lines, kinds, out });
    if (doc === undefined) return;
    const key = documentKey(doc);
    const first = seen.get(key);
    if (first !== undefined) {
      out.document = doc.ref;
      out.add('fatal', {
        code: 'duplicate-document',
        path: [],
        at: yaml.contents,
        message: `duplicate document: document ${String(first.ref.index)} is already a ${doc.name === undefined ? doc.kind : `${doc.kind} named ${doc.name}`}; merge the two or remove one`,
      });
      return;
    }
    seen.set(key, doc);
    documents.push(doc);
  });
  if (out.fatal.length > 0) return { errors: out.fatal, warnings: out.warnings };
  if (documents.length === 0) {
    out.add('fatal', { code: 'missing-document', path: [], message: 'the config has no documents' });
    return { errors: out.fatal, warnings: out.warnings };
  }
  return {
    config: new ConfigBundle({ source, text, documents, tokens, lines }),
    errors: [],
    warnings: out.warnings,
  };
}

/** A yaml parser error as an issue: lowercase message, the offending text as the value. */
function syntaxIssue(text: string, e: YAMLError): IssueAt {
  const snippet = text.slice(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1)).split('\n')[0] ?? '';
  const message = `invalid YAML: ${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}`;
  return {
    code: 'yaml-syntax',
    path: [],
    at: { range: [e.pos[0], e.pos[1], e.pos[1]] },
    message,
    ...(snippet.trim() === '' ? {} : { value: describeValue(snippet) }),
  };
}

interface DocCtx {
  readonly index: number;
  readonly source: string;
  readonly lines: LineCounter;
  readonly kinds: KindRegistry;
  readonly out: IssueCollector;
}

function loadDocument(yaml: Document.Parsed, ctx: DocCtx): ConfigDocument | undefined {
  const { out, index } = ctx;
  const root = yaml.contents;
  if (!isMap(root)) {
    out.add('fatal', {
      code: 'not-a-mapping',
      path: [],
      at: root ?? undefined,
      message: 'a config document must be a mapping of fields',
    });
    return undefined;
  }
  const found = identifyDocument(root, ctx);
  if (found === undefined) return undefined;
  const { schema, ...identity } = found;
  const ref =
    identity.name === undefined ? { index, kind: identity.kind } : { index, kind: identity.kind, name: identity.name };
  const docOut = new IssueCollector(ctx.source, { lines: ctx.lines, document: ref });
  const value = decodeNode(root, schema, { doc: yaml, out: docOut });
  out.fatal.push(...docOut.fatal);
  return { ...identity, ref, value, yaml, errors: docOut.errors, warnings: docOut.warnings };
}
