// Resources as they come over cosi.resource.State: metadata plus a spec in YAML (or protobuf for
// COSI's own types), decoded into plain data for printing.
import { fromBinary } from '@bufbuild/protobuf';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { parse as parseYaml } from 'yaml';
import type { Resource } from '../api/gen/cosi/resource_pb.ts';
import { ResourceDefinitionSpecSchema, ResourceDefinitionSpec_Sensitivity } from '../api/gen/cosi/meta_pb.ts';

export interface RemoteResourceMetadata {
  namespace: string;
  type: string;
  id: string;
  version: string;
  owner: string;
  phase: string;
  created?: string;
  updated?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
}

export interface RemoteResource {
  metadata: RemoteResourceMetadata;
  spec: unknown;
}

export const ResourceDefinitionType = 'ResourceDefinitions.meta.cosi.dev';
export const MetaNamespace = 'meta';

function iso(ts: Timestamp | undefined): string | undefined {
  return ts === undefined ? undefined : timestampDate(ts).toISOString();
}

function nonEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length > 0 ? value : undefined;
}

function specOf(res: Resource): unknown {
  const yamlSpec = res.spec?.yamlSpec ?? '';
  if (yamlSpec !== '') return parseYaml(yamlSpec) as unknown;
  const proto = res.spec?.protoSpec;
  if (proto !== undefined && proto.length > 0 && res.metadata?.type === ResourceDefinitionType) {
    const d = fromBinary(ResourceDefinitionSpecSchema, proto);
    return {
      type: d.resourceType,
      displayType: d.displayType,
      defaultNamespace: d.defaultNamespace,
      aliases: d.aliases,
      allAliases: d.allAliases,
      printColumns: d.printColumns.map((c) => ({ name: c.name, jsonPath: c.jsonPath })),
      sensitivity: d.sensitivity === ResourceDefinitionSpec_Sensitivity.SENSITIVE ? 1 : 0,
    };
  }
  return null;
}

/** Decodes a resource from the wire; optional metadata fields are left out when empty. */
export function decodeResource(res: Resource): RemoteResource {
  const md = res.metadata;
  const metadata: RemoteResourceMetadata = {
    namespace: md?.namespace ?? '',
    type: md?.type ?? '',
    id: md?.id ?? '',
    version: md?.version ?? '',
    owner: md?.owner ?? '',
    phase: md?.phase ?? '',
  };
  const created = iso(md?.created);
  const updated = iso(md?.updated);
  if (created !== undefined) metadata.created = created;
  if (updated !== undefined) metadata.updated = updated;
  const labels = nonEmpty(md?.labels ?? {});
  const annotations = nonEmpty(md?.annotations ?? {});
  if (labels !== undefined) metadata.labels = labels;
  if (annotations !== undefined) metadata.annotations = annotations;
  if ((md?.finalizers.length ?? 0) > 0) metadata.finalizers = [...(md?.finalizers ?? [])];
  return { metadata, spec: specOf(res) };
}
