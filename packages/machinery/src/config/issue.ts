/** A segment of a path into a config document: a mapping key or a sequence index. */
export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

/** What kind of mistake an issue reports; stable, so tests and tools can match on it. */
export type IssueCode =
  | 'yaml-syntax'
  | 'not-a-mapping'
  | 'unknown-kind'
  | 'unknown-version'
  | 'unknown-field'
  | 'missing-field'
  | 'wrong-type'
  | 'invalid-value'
  | 'duplicate-document'
  | 'missing-document'
  | 'conflict'
  | 'key-mismatch'
  | 'deprecated'
  | 'mode';

/** Which document an issue is about: its position in the file and what it is ('' when unknown). */
export interface DocumentRef {
  readonly index: number;
  readonly kind: string;
  readonly name?: string;
}

/**
 * One thing wrong (or worth a warning) in a config: where it is (file, document, YAML path and,
 * when the config came from text, line:column) and the offending value.
 */
export interface ConfigIssue {
  readonly code: IssueCode;
  readonly message: string;
  readonly source: string;
  readonly document?: DocumentRef;
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly value?: string;
}

/** The outcome of validation: errors make a config unusable, warnings only deserve a look. */
export interface ValidationResult {
  readonly errors: readonly ConfigIssue[];
  readonly warnings: readonly ConfigIssue[];
}

const identifier = /^[A-Za-z_$][\w$-]*$/;

/** Renders a path the way users write it: `machine.network.interfaces[0].addresses[1]`. */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${String(seg)}]`;
    else if (identifier.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Shortens a value for a message: long base64 blocks and multi-line text stay readable. */
export function describeValue(value: unknown): string {
  let text: string = typeof value;
  if (value !== undefined && typeof value !== 'function' && typeof value !== 'symbol') {
    try {
      text = JSON.stringify(value);
    } catch {
      // bigints and cycles: keep the type name
    }
  }
  return text.length > 72 ? `${text.slice(0, 60)}...(${String(text.length)} chars)` : text;
}

/**
 * One line per issue, compiler style, e.g. `controlplane.yaml:12:9: error: [document 0 v1alpha1]
 * machine.network.interfaces[0].addresses[1]: not a CIDR: ... (value "10.0.0.1/33")`.
 */
export function formatIssue(issue: ConfigIssue, opts: { severity?: 'error' | 'warning' } = {}): string {
  const where =
    issue.line === undefined ? issue.source : `${issue.source}:${String(issue.line)}:${String(issue.column ?? 1)}`;
  const severity = opts.severity === undefined ? '' : ` ${opts.severity}:`;
  const doc = issue.document === undefined ? '' : ` [${docLabel(issue.document)}]`;
  const path = issue.path === '' ? '' : ` ${issue.path}:`;
  const value = issue.value === undefined ? '' : ` (value ${issue.value})`;
  return `${where}:${severity}${doc}${path} ${issue.message}${value}`;
}

function docLabel(ref: DocumentRef): string {
  const what = ref.name === undefined ? ref.kind : `${ref.kind}/${ref.name}`;
  return what === '' ? `document ${String(ref.index)}` : `document ${String(ref.index)} ${what}`;
}
