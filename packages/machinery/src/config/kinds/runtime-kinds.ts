// Runtime documents: SysctlConfig, EnvironmentConfig.
import { type Infer, enumOf, map, object, string } from '../schema/builder.ts';
import { defineKind } from './kind.ts';

const header = { apiVersion: enumOf(['v1alpha1']), kind: string() };

const sysctlKey = (k: string): string | undefined =>
  /^[a-zA-Z0-9_.\-/]+$/.test(k) && !k.startsWith('/') && !k.includes('..')
    ? undefined
    : 'not a sysctl name: use the dotted form, e.g. net.ipv4.ip_forward';

const sysctlSchema = object({ ...header, params: map(string(), sysctlKey) }, { required: ['apiVersion', 'kind'] });
export type SysctlConfig = Infer<typeof sysctlSchema>;
export const SysctlConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'SysctlConfig',
  named: false,
  schema: sysctlSchema,
});

const envName = (k: string): string | undefined =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? undefined : 'not an environment variable name: use letters, digits and _';

const environmentSchema = object(
  { ...header, variables: map(string(), envName) },
  { required: ['apiVersion', 'kind'] },
);
export type EnvironmentConfig = Infer<typeof environmentSchema>;
export const EnvironmentConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'EnvironmentConfig',
  named: false,
  schema: environmentSchema,
});
