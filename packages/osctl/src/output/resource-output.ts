// Resources as `get` prints them: a table (NODE NAMESPACE TYPE ID VERSION and the type's printed
// columns), YAML documents or JSON objects, each carrying the node it came from. In watch mode
// every row starts with the event: + created, space updated, - destroyed.
import { stringify } from 'yaml';
import {
  compileJsonPath,
  formatColumnValue,
  printedColumns,
  type RemoteDefinition,
  type RemoteResource,
} from '@bronze/machinery';
import { formatTable } from './table.ts';

export const OutputFormats = ['table', 'yaml', 'json'] as const;

/** How `get` prints: a table, YAML, JSON, or one value per resource picked by a JSONPath. */
export type OutputFormat =
  { kind: (typeof OutputFormats)[number] } | { kind: 'jsonpath'; pick: (doc: unknown) => string };

/** Reads `-o`: table, yaml, json or jsonpath=PATH (applied to each resource's metadata and spec). */
export function parseOutputFormat(text: string): OutputFormat | { error: string } {
  const plain = OutputFormats.find((f) => f === text);
  if (plain !== undefined) return { kind: plain };
  if (!text.startsWith('jsonpath=')) {
    return { error: `-o ${JSON.stringify(text)}: use table, yaml, json or jsonpath={.spec.FIELD}` };
  }
  const compiled = compileJsonPath(text.slice('jsonpath='.length));
  if ('error' in compiled) {
    return { error: `-o ${text}: at offset ${String(compiled.error.offset)}: ${compiled.error.message}` };
  }
  const { getter, multiple } = compiled;
  return { kind: 'jsonpath', pick: (doc) => formatColumnValue(getter(doc), { multiple }) };
}

export type WatchEventKind = 'created' | 'updated' | 'destroyed';

export interface NodeResource {
  node: string;
  definition: RemoteDefinition;
  resource: RemoteResource;
  event?: WatchEventKind;
}

const eventMark: Record<WatchEventKind, string> = { created: '+', updated: ' ', destroyed: '-' };

function header(definition: RemoteDefinition, watch: boolean): string[] {
  const base = [
    'NODE',
    'NAMESPACE',
    'TYPE',
    'ID',
    'VERSION',
    ...definition.printColumns.map((c) => c.name.toUpperCase()),
  ];
  return watch ? ['*', ...base] : base;
}

function row(item: NodeResource, watch: boolean): string[] {
  const md = item.resource.metadata;
  const display = item.definition.displayType || md.type.split('.')[0] || md.type;
  const cells = [
    item.node,
    md.namespace,
    display,
    md.id,
    md.version,
    ...printedColumns(item.definition, item.resource.spec).map((c) => c.value),
  ];
  return watch ? [eventMark[item.event ?? 'updated'], ...cells] : cells;
}

// The version is a counter: printed as a number, as talosctl does.
function document(item: NodeResource): Record<string, unknown> {
  const md = item.resource.metadata;
  const version = /^\d+$/.test(md.version) ? Number(md.version) : md.version;
  return {
    node: item.node,
    ...(item.event === undefined ? {} : { event: item.event }),
    metadata: { ...md, version },
    spec: item.resource.spec,
  };
}

function yamlDocument(item: NodeResource): string {
  return stringify(document(item), { indent: 4, lineWidth: 0 });
}

/** All resources at once (get without -w). */
export function formatResources(
  items: readonly NodeResource[],
  format: OutputFormat,
  definition: RemoteDefinition,
): string {
  switch (format.kind) {
    case 'table':
      return formatTable(
        header(definition, false),
        items.map((i) => row(i, false)),
      );
    case 'yaml':
      return items.map(yamlDocument).join('---\n');
    case 'json':
      return items.map((i) => `${JSON.stringify(document(i), null, 4)}\n`).join('');
    case 'jsonpath':
      return items
        .map((i) => `${format.pick({ metadata: document(i)['metadata'], spec: i.resource.spec })}\n`)
        .join('');
  }
}

/**
 * Prints watch events as they arrive. Table columns only grow: each row is padded to the widest
 * value seen so far, so rows stay aligned with the header printed before the first one.
 */
export class WatchPrinter {
  readonly #format: OutputFormat;
  #widths: number[] = [];
  #count = 0;

  constructor(format: OutputFormat) {
    this.#format = format;
  }

  format(item: NodeResource): string {
    const first = this.#count++ === 0;
    const format = this.#format;
    switch (format.kind) {
      case 'table': {
        const head = header(item.definition, true);
        const cells = row(item, true);
        this.#widths = head.map((h, i) => Math.max(this.#widths[i] ?? 0, h.length, (cells[i] ?? '').length));
        const line = (r: string[]): string =>
          r
            .map((c, i) => (i === r.length - 1 ? c : c.padEnd((this.#widths[i] ?? 0) + 3)))
            .join('')
            .trimEnd() + '\n';
        return (first ? line(head) : '') + line(cells);
      }
      case 'yaml':
        return (first ? '' : '---\n') + yamlDocument(item);
      case 'json':
        return `${JSON.stringify(document(item), null, 4)}\n`;
      case 'jsonpath':
        return `${format.pick({ metadata: document(item)['metadata'], spec: item.resource.spec })}\n`;
    }
  }
}
