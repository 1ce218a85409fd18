// Network documents: HostnameConfig, ResolverConfig, TimeSyncConfig.
import { type Infer, array, bool, enumOf, object, string } from '../schema/builder.ts';
import { dnsName, duration, ip, nonEmpty } from '../schema/formats.ts';
import { defineKind } from './kind.ts';

const header = { apiVersion: enumOf(['v1alpha1']), kind: string() };

const hostnameSchema = object(
  { ...header, auto: enumOf(['stable', 'off']), hostname: string(dnsName) },
  { required: ['apiVersion', 'kind'] },
);
export type HostnameConfig = Infer<typeof hostnameSchema>;
export const HostnameConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'HostnameConfig',
  named: false,
  schema: hostnameSchema,
});

const resolverSchema = object(
  {
    ...header,
    nameservers: array(
      object({ address: string(ip), protocol: enumOf(['Do53', 'DoT', 'DoH']), tlsServerName: string() }),
    ),
    searchDomains: object({ domains: array(string(dnsName)), disableDefault: bool() }),
    hostDNS: object({ enabled: bool(), forwardKubeDNSToHost: bool(), resolveMemberNames: bool() }),
  },
  { required: ['apiVersion', 'kind'] },
);
export type ResolverConfig = Infer<typeof resolverSchema>;
export const ResolverConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'ResolverConfig',
  named: false,
  schema: resolverSchema,
});

const timeSyncSchema = object(
  {
    ...header,
    enabled: bool(),
    bootTimeout: string(duration),
    ntp: object({ servers: array(string(nonEmpty)), useNTS: bool() }),
    ptp: object({ devices: array(string(nonEmpty)) }),
  },
  { required: ['apiVersion', 'kind'] },
);
export type TimeSyncConfig = Infer<typeof timeSyncSchema>;
export const TimeSyncConfigKind = defineKind({
  apiVersion: 'v1alpha1',
  kind: 'TimeSyncConfig',
  named: false,
  schema: timeSyncSchema,
});
