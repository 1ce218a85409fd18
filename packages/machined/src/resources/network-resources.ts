// Resources of the network namespace: the hostname in use and the node's addresses.
import { defineResource } from '@bronze/runtime';
import { Namespaces } from './namespaces.ts';

export interface HostnameStatusSpec {
  hostname: string;
  domainname: string;
}

export const HostnameStatus = defineResource<HostnameStatusSpec>({
  type: 'HostnameStatuses.network.talos.dev',
  defaultNamespace: Namespaces.network,
  empty: () => ({ hostname: '', domainname: '' }),
  aliases: ['hostname'],
  printColumns: [
    { name: 'Hostname', jsonPath: '{.hostname}' },
    { name: 'Domainname', jsonPath: '{.domainname}' },
  ],
});
export const HostnameStatusId = 'hostname';

export interface NodeAddressSpec {
  /** Addresses with their prefix length, as Talos prints them (`127.0.1.2/32`). */
  addresses: string[];
}

export const NodeAddress = defineResource<NodeAddressSpec>({
  type: 'NodeAddresses.network.talos.dev',
  defaultNamespace: Namespaces.network,
  empty: () => ({ addresses: [] }),
  printColumns: [{ name: 'Addresses', jsonPath: '{.addresses}' }],
});
/** `default` is the node's primary address; `current` every address it has now. */
export const NodeAddressIds = { default: 'default', current: 'current' } as const;
