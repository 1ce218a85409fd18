// Resource definitions as a node serves them (`ResourceDefinitions.meta.cosi.dev`): how `get`
// turns what the user typed (alias, singular, plural, full type) into a type, its namespace and
// its printed columns.
import { compileJsonPath, formatColumnValue } from '@bronze/runtime';
import type { State } from '../api/gen/cosi/state_pb.ts';
import { ApiError } from '../api/api-error.ts';
import type { CallOptions, ClientOf } from '../api/service-client.ts';
import { decodeResource, type RemoteResource } from './remote-resource.ts';

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

// COSI's own definition of definitions, for nodes that do not list it among their definitions.
const definitionOfDefinitions: RemoteDefinition = {
  type: 'ResourceDefinitions.meta.cosi.dev',
  displayType: 'ResourceDefinition',
  defaultNamespace: 'meta',
  aliases: ['rd'],
  allAliases: [
    'rd',
    'resourcedefinition',
    'resourcedefinitions',
    'resourcedefinitions.meta',
    'resourcedefinitions.meta.cosi',
  ],
  printColumns: [],
  sensitive: false,
};

/** Reads every ResourceDefinition a node serves (cosi.resource.State List in namespace meta). */
export async function listDefinitions(
  state: ClientOf<typeof State>,
  options: CallOptions,
): Promise<RemoteDefinition[]> {
  const out: RemoteDefinition[] = [];
  for await (const reply of state.list({ namespace: 'meta', type: definitionOfDefinitions.type }, options)) {
    if (reply.resource !== undefined) out.push(definitionOf(decodeResource(reply.resource)));
  }
  return out;
}

/**
 * The definition `name` stands for on a node, or a NotFound-like error that says how to list the
 * known types.
 */
export async function resolveDefinition(
  state: ClientOf<typeof State>,
  name: string,
  options: CallOptions,
): Promise<RemoteDefinition> {
  const all = await listDefinitions(state, options);
  const found = findDefinition([...all, definitionOfDefinitions], name);
  if (found === undefined) {
    throw new ApiError(
      'not-found',
      `resource type "${name}" is not known to the node: list the types with "osctl get rd"`,
    );
  }
  return found;
}
