// NodeAddress: the node's address as the platform reports it (`default` and `current`).
import { exclusive, type Controller } from '@bronze/runtime';
import { isIPv6 } from 'node:net';
import { NodeAddress, NodeAddressIds } from '../resources/network-resources.ts';

export interface NodeAddressControllerOptions {
  address: () => string;
}

export function nodeAddressController(options: NodeAddressControllerOptions): Controller {
  return {
    name: 'network.NodeAddressController',
    inputs: [],
    outputs: [exclusive(NodeAddress)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        const address = options.address();
        const prefixed = `${address}/${isIPv6(address) ? '128' : '32'}`;
        for (const id of Object.values(NodeAddressIds)) {
          await ctx.modify({ type: NodeAddress, id }, (spec) => {
            spec.addresses = [prefixed];
          });
        }
      }
    },
  };
}
