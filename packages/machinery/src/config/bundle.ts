import type { LineCounter } from 'yaml';
import type { CST } from 'yaml';
import { type ConfigDocument, V1Alpha1Kind, nodeAt } from './document.ts';
import type { ConfigPath } from './issue.ts';
import type { KindDefinition } from './kinds/kind.ts';
import type { V1Alpha1Config } from './v1alpha1/config.ts';

/** Where a path of a document sits in the source text. */
export interface Location {
  readonly line?: number;
  readonly column?: number;
  /** False when the path does not exist and the location is that of its nearest ancestor. */
  readonly exact: boolean;
}

/**
 * A loaded machine config: every document in file order, each with its typed value and its yaml
 * Document. Immutable: edits (see edit.ts) produce a new bundle from the re-encoded text.
 */
export class ConfigBundle {
  readonly source: string;
  readonly text: string;
  readonly documents: readonly ConfigDocument[];
  /** The lossless syntax tree, kept for encoding with every comment and space in place. */
  readonly tokens: readonly CST.Token[];
  readonly #lines: LineCounter;

  constructor(init: {
    source: string;
    text: string;
    documents: readonly ConfigDocument[];
    tokens: readonly CST.Token[];
    lines: LineCounter;
  }) {
    this.source = init.source;
    this.text = init.text;
    this.documents = init.documents;
    this.tokens = init.tokens;
    this.#lines = init.lines;
  }

  /** The v1alpha1 document, if the config has one. */
  v1alpha1(): V1Alpha1Config | undefined {
    return this.find(V1Alpha1Kind)?.value as V1Alpha1Config | undefined;
  }

  /** `controlplane` or `worker` from machine.type (the old names `init` and `join` mapped to them). */
  machineType(): 'controlplane' | 'worker' | undefined {
    const t = this.v1alpha1()?.machine?.type;
    if (t === 'init') return 'controlplane';
    return t === 'join' ? 'worker' : t;
  }

  isControlPlane(): boolean {
    return this.machineType() === 'controlplane';
  }

  /** The typed value of a multi-document kind (by name for named kinds). */
  get<T>(kind: KindDefinition<T>, name?: string): T | undefined {
    return this.find(kind.kind, name)?.value as T | undefined;
  }

  find(kind: string, name?: string): ConfigDocument | undefined {
    return this.documents.find((d) => d.kind === kind && (name === undefined || d.name === name));
  }

  /** Where `path` of the document at `index` is in the text (line and column are 1-based). */
  locate(index: number, path: ConfigPath): Location {
    const doc = this.documents[index];
    if (doc === undefined) return { exact: false };
    const { node, exact } = nodeAt(doc.yaml, path);
    const offset = node?.range?.[0];
    if (offset === undefined) return { exact };
    const pos = this.#lines.linePos(offset);
    return { line: pos.line, column: pos.col, exact };
  }
}
