// The `meta` namespace COSI keeps about itself: one Namespace resource per namespace and one
// ResourceDefinition resource per type, so that `get namespaces` and `get rd` work over the API.
import { defineResource, type PrintColumn, type ResourceDefinition } from './definition.ts';
import { isNotFoundError } from './errors.ts';
import { deepEqual, withSpec, type Resource } from './resource.ts';
import type { State } from './state.ts';

export const MetaNamespace = 'meta';

/** The spec of a ResourceDefinition resource, with COSI's field names. */
export interface ResourceDefinitionSpec {
  type: string;
  displayType: string;
  defaultNamespace: string;
  aliases: string[];
  allAliases: string[];
  printColumns: PrintColumn[];
  /** "sensitive", or "" for a resource anyone with read access may see. */
  sensitivity: '' | 'sensitive';
}

export interface NamespaceSpec {
  description: string;
}

export const ResourceDefinitions = defineResource<ResourceDefinitionSpec>({
  type: 'ResourceDefinitions.meta.cosi.dev',
  defaultNamespace: MetaNamespace,
  aliases: ['api-resources'],
  printColumns: [{ name: 'Aliases', jsonPath: '{.aliases[:]}' }],
  empty: () => ({
    type: '',
    displayType: '',
    defaultNamespace: '',
    aliases: [],
    allAliases: [],
    printColumns: [],
    sensitivity: '',
  }),
});

export const Namespaces = defineResource<NamespaceSpec>({
  type: 'Namespaces.meta.cosi.dev',
  defaultNamespace: MetaNamespace,
  aliases: ['ns'],
  printColumns: [{ name: 'Description', jsonPath: '{.description}' }],
  empty: () => ({ description: '' }),
});

export function definitionSpec(d: ResourceDefinition): ResourceDefinitionSpec {
  return {
    type: d.type,
    displayType: d.displayType,
    defaultNamespace: d.defaultNamespace,
    aliases: [...d.aliases],
    allAliases: [...d.allAliases],
    printColumns: d.printColumns.map((c) => ({ name: c.name, jsonPath: c.jsonPath })),
    sensitivity: d.sensitive ? 'sensitive' : '',
  };
}

/**
 * Writes (creates or updates, owned by `owner`) the Namespace and ResourceDefinition resources for
 * these namespaces and definitions, the meta types themselves included.
 */
export async function publishMeta(
  state: State,
  options: {
    namespaces: readonly { name: string; description: string }[];
    definitions: readonly ResourceDefinition[];
    owner?: string;
  },
): Promise<void> {
  const owner = options.owner ?? '';
  const namespaces = [{ name: MetaNamespace, description: 'Metadata about namespaces and resource types.' }];
  for (const ns of [...namespaces, ...options.namespaces]) {
    await put(state, Namespaces.make(ns.name, { description: ns.description }), owner);
  }
  const defs = [ResourceDefinitions.definition, Namespaces.definition, ...options.definitions];
  for (const d of defs) await put(state, ResourceDefinitions.make(d.id, definitionSpec(d)), owner);
}

async function put<S>(state: State, res: Resource<S>, owner: string): Promise<void> {
  try {
    const cur = await state.get<S>(res.metadata);
    if (!deepEqual(cur.spec, res.spec)) await state.update(withSpec(cur, res.spec), { owner });
  } catch (err) {
    if (!isNotFoundError(err)) throw err;
    await state.create(res, { owner });
  }
}
