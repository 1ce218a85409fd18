// Resource definitions as a node serves them (`ResourceDefinitions.meta.cosi.dev`): how `get`
// turns what the user typed (alias, singular, plural, full type) into a type, its namespace and
// its printed columns.
import { compileJsonPath, formatColumnValue } from '@bronze/runtime';
import type { RemoteResource } from './remote-resource.ts';

export interface RemoteDefinition {
  type: string;
  displayType: string;
  defaultNamespace: string;
  aliases: string[];
  allAliases: string[];
  printColumns: { name: string; jsonPath: string }[];
  sensitive: boolean;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function texts(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Reads a ResourceDefinition spec (COSI's field names; a `sensitive: true` flag is accepted too). */
export function definitionOf(res: RemoteResource): RemoteDefinition {
  const spec = record(res.spec);
  const columns = Array.isArray(spec['printColumns']) ? spec['printColumns'] : [];
  const sensitivity = spec['sensitivity'];
  return {
    type: text(spec['type']) || res.metadata.id,
    displayType: text(spec['displayType']),
    defaultNamespace: text(spec['defaultNamespace']),
    aliases: texts(spec['aliases']),
    allAliases: texts(spec['allAliases']),
    printColumns: columns.map((c) => ({ name: text(record(c)['name']), jsonPath: text(record(c)['jsonPath']) })),
    sensitive:
      spec['sensitive'] === true || sensitivity === 1 || sensitivity === 'sensitive' || sensitivity === 'SENSITIVE',
  };
}

/** The definition `name` stands for: full type, singular, alias or plural, case-insensitive. */
export function findDefinition(definitions: readonly RemoteDefinition[], name: string): RemoteDefinition | undefined {
  const want = name.toLowerCase();
  const exact = definitions.find((d) => d.type.toLowerCase() === want);
  if (exact !== undefined) return exact;
  return definitions.find(
    (d) =>
      d.displayType.toLowerCase() === want ||
      d.aliases.some((a) => a.toLowerCase() === want) ||
      d.allAliases.some((a) => a.toLowerCase() === want) ||
      d.type.toLowerCase().split('.')[0] === want,
  );
}

/** The printed columns of a resource of `definition`: names and this resource's values. */
export function printedColumns(definition: RemoteDefinition, spec: unknown): { name: string; value: string }[] {
  return definition.printColumns.map((c) => {
    const compiled = compileJsonPath(c.jsonPath);
    if ('error' in compiled) return { name: c.name, value: '' };
    return { name: c.name, value: formatColumnValue(compiled.getter(spec), { multiple: compiled.multiple }) };
  });
}
