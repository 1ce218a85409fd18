// The meta namespace: a Namespace per namespace and a ResourceDefinition per type the node serves.
import {
  definitionSpec,
  exclusive,
  Namespaces as Namespace,
  ResourceDefinitions,
  type Controller,
  type ResourceDefinition,
} from '@bronze/runtime';
import { NamespaceDescriptions } from '../resources/namespaces.ts';

export function metaController(definitions: readonly ResourceDefinition[]): Controller {
  return {
    name: 'meta.DefinitionsController',
    inputs: [],
    outputs: [exclusive(Namespace), exclusive(ResourceDefinitions)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        for (const [ns, description] of Object.entries(NamespaceDescriptions)) {
          await ctx.modify({ type: Namespace, id: ns }, (spec) => {
            spec.description = description;
          });
        }
        for (const d of definitions) {
          // COSI's own spelling of the spec (sensitivity "sensitive" or ""), shared with runtime.
          await ctx.modify({ type: ResourceDefinitions, id: d.id }, (spec) => {
            Object.assign(spec, definitionSpec(d));
          });
        }
      }
    },
  };
}
