// Discovery documents: where the discovery service is and the cluster's identity for it.
import { type Infer, enumOf, object, string } from '../schema/builder.ts';
import { base64Bytes, url } from '../schema/formats.ts';
import { defineKind } from './kind.ts';

const header = { apiVersion: enumOf(['v1alpha1']), kind: string() };

const serviceSchema = object(
  { ...header, name: string(), endpoint: string(url(['http', 'https', 'grpc'])) },
  { required: ['apiVersion', 'kind', 'name', 'endpoint'] },
);
export type DiscoveryServiceConfig = Infer<typeof serviceSchema>;
export const DiscoveryServiceConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'DiscoveryServiceConfig',
  named: true,
  schema: serviceSchema,
});

const identitySchema = object(
  { ...header, clusterID: string(base64Bytes(32)), clusterSecret: string(base64Bytes(32)) },
  { required: ['apiVersion', 'kind', 'clusterID', 'clusterSecret'] },
);
export type DiscoveryIdentityConfig = Infer<typeof identitySchema>;
export const DiscoveryIdentityConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'DiscoveryIdentityConfig',
  named: false,
  schema: identitySchema,
});
