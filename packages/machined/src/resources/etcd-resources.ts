// Resources of etcd on a control-plane node (namespace etcd) and the control-plane endpoints it
// joins through (namespace controlplane), under Talos's type names.
import { defineResource } from '@bronze/runtime';
import { Namespaces } from './namespaces.ts';

export interface EtcdSpecSpec {
  /** The member name: the node's hostname. */
  name: string;
  advertisedAddresses: string[];
  listenPeerAddresses: string[];
  listenClientAddresses: string[];
  /** The etcd program run and its version (Talos shows a container image here). */
  image: string;
  extraArgs: Record<string, string>;
}

export const EtcdSpec = defineResource<EtcdSpecSpec>({
  type: 'EtcdSpecs.etcd.talos.dev',
  defaultNamespace: Namespaces.etcd,
  empty: () => ({
    name: '',
    advertisedAddresses: [],
    listenPeerAddresses: [],
    listenClientAddresses: [],
    image: '',
    extraArgs: {},
  }),
  printColumns: [],
});
export const EtcdSpecId = 'etcd';

export interface EtcdMemberSpec {
  /** The local member's id in hex, as etcdctl prints it; empty until the member runs. */
  memberId: string;
}

export const EtcdMember = defineResource<EtcdMemberSpec>({
  type: 'EtcdMembers.etcd.talos.dev',
  defaultNamespace: Namespaces.etcd,
  empty: () => ({ memberId: '' }),
  printColumns: [{ name: 'Member ID', jsonPath: '{.memberId}' }],
});
export const EtcdMemberId = 'local';

export interface EndpointSpec {
  addresses: string[];
}

export const Endpoint = defineResource<EndpointSpec>({
  type: 'Endpoints.kubernetes.talos.dev',
  defaultNamespace: Namespaces.controlplane,
  empty: () => ({ addresses: [] }),
  printColumns: [{ name: 'Addresses', jsonPath: '{.addresses}' }],
});
/** The addresses of the control-plane nodes' API servers (and etcd), as Talos names them. */
export const EndpointId = 'kube-apiserver';
