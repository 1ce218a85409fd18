// EtcdSpec, EtcdMember and Endpoint (controlplane) on a control-plane node: the spec and the
// endpoints from the config and the platform, the member id from the local member's Status
// (polled: etcd changes it on join, leave and bootstrap, outside the resource state).
import { exclusive, type Controller } from '@bronze/runtime';
import { Endpoint, EndpointId, EtcdMember, EtcdMemberId, EtcdSpec, EtcdSpecId } from '../resources/etcd-resources.ts';
import type { NodeEtcd } from '../machined/node-etcd.ts';

export interface EtcdResourcesOptions {
  /** The node's etcd once it exists (it is made after the engine starts). */
  etcd: () => NodeEtcd | undefined;
  /** Poll period of the member id; 5 s unless told. */
  pollMs?: number;
}

export function etcdResourcesController(options: EtcdResourcesOptions): Controller {
  return {
    name: 'etcd.ResourcesController',
    inputs: [],
    outputs: [exclusive(EtcdSpec), exclusive(EtcdMember), exclusive(Endpoint)],
    async run(ctx) {
      const timer = setInterval(() => {
        ctx.queueReconcile();
      }, options.pollMs ?? 5000);
      timer.unref();
      try {
        for await (const _ of ctx.changes()) {
          const etcd = options.etcd();
          if (etcd === undefined) continue;
          const facts = etcd.facts();
          await ctx.modify({ type: EtcdSpec, id: EtcdSpecId }, (spec) => {
            spec.name = etcd.name;
            spec.advertisedAddresses = [etcd.address];
            spec.listenPeerAddresses = [etcd.address];
            spec.listenClientAddresses = facts.listenClientAddresses;
            spec.image = facts.image;
            spec.extraArgs = facts.extraArgs;
          });
          await ctx.modify({ type: Endpoint, id: EndpointId }, (spec) => {
            spec.addresses = facts.endpoints;
          });
          const memberId = await etcd.localMemberId(ctx.signal);
          await ctx.modify({ type: EtcdMember, id: EtcdMemberId }, (spec) => {
            spec.memberId = memberId ?? '';
          });
        }
      } finally {
        clearInterval(timer);
      }
    },
  };
}
