// Resources of the meta namespace: what resource types and namespaces exist (COSI's own).
import { defineResource } from '@bronze/runtime';
import { Namespaces } from './namespaces.ts';

export interface NamespaceSpec {
  description: string;
}

export const Namespace = defineResource<NamespaceSpec>({
  type: 'Namespaces.meta.cosi.dev',
  defaultNamespace: Namespaces.meta,
  empty: () => ({ description: '' }),
  aliases: ['ns'],
  printColumns: [{ name: 'Description', jsonPath: '{.description}' }],
});

export interface ResourceDefinitionSpec {
  type: string;
  displayType: string;
  defaultNamespace: string;
  aliases: string[];
  allAliases: string[];
  printColumns: { name: string; jsonPath: string }[];
  sensitivity: 'sensitive' | 'non-sensitive';
}

export const ResourceDefinitionType = defineResource<ResourceDefinitionSpec>({
  type: 'ResourceDefinitions.meta.cosi.dev',
  defaultNamespace: Namespaces.meta,
  empty: () => ({
    type: '',
    displayType: '',
    defaultNamespace: '',
    aliases: [],
    allAliases: [],
    printColumns: [],
    sensitivity: 'non-sensitive',
  }),
  aliases: ['rd'],
  printColumns: [{ name: 'Aliases', jsonPath: '{.aliases}' }],
});
