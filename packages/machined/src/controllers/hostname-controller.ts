// HostnameStatus: the hostname from the config, or the platform's default when the config names none
// (or there is no config yet: maintenance mode).
import { exclusive, weak, type Controller } from '@bronze/runtime';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { HostnameStatus, HostnameStatusId } from '../resources/network-resources.ts';
import { configHostname, parseMachineConfig } from './config-facts.ts';

export interface HostnameControllerOptions {
  /** The platform's hostname for a node whose config names none. */
  defaultHostname: () => string;
}

export function hostnameController(options: HostnameControllerOptions): Controller {
  return {
    name: 'network.HostnameStatusController',
    inputs: [weak(MachineConfig, { id: MachineConfigId })],
    outputs: [exclusive(HostnameStatus)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        const res = await ctx.find(MachineConfig, MachineConfigId);
        const config = res === undefined ? undefined : parseMachineConfig(res.spec);
        const fqdn = (config === undefined ? undefined : configHostname(config)) ?? options.defaultHostname();
        const [host = fqdn, ...domain] = fqdn.split('.');
        await ctx.modify({ type: HostnameStatus, id: HostnameStatusId }, (spec) => {
          spec.hostname = host;
          spec.domainname = domain.join('.');
        });
      }
    },
  };
}
