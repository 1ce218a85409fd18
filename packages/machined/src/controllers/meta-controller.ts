// The meta namespace: a Namespace per namespace and a ResourceDefinition per type the node serves.
import { exclusive, type Controller, type ResourceDefinition } from '@bronze/runtime';
import { Namespace, ResourceDefinitionType } from '../resources/meta-resources.ts';
import { NamespaceDescriptions } from '../resources/namespaces.ts';

export function metaController(definitions: readonly ResourceDefinition[]): Controller {
  return {
    name: 'meta.DefinitionsController',
    inputs: [],
    outputs: [exclusive(Namespace), exclusive(ResourceDefinitionType)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        for (const [ns, description] of Object.entries(NamespaceDescriptions)) {
          await ctx.modify({ type: Namespace, id: ns }, (spec) => {
            spec.description = description;
          });
        }
        for (const d of definitions) {
          await ctx.modify({ type: ResourceDefinitionType, id: d.id }, (spec) => {
            spec.type = d.type;
            spec.displayType = d.displayType;
            spec.defaultNamespace = d.defaultNamespace;
            spec.aliases = [...d.aliases];
            spec.allAliases = [...d.allAliases];
            spec.printColumns = d.printColumns.map((c) => ({ name: c.name, jsonPath: c.jsonPath }));
            spec.sensitivity = d.sensitive ? 'sensitive' : 'non-sensitive';
          });
        }
      }
    },
  };
}
