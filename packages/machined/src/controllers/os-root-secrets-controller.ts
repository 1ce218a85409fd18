// OSRootSecrets from machine.ca, machine.token and machine.certSANs of the config (1:1).
import { isIP } from 'node:net';
import { transformController, type Controller } from '@bronze/runtime';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { OSRootSecrets, OSRootSecretsId } from '../resources/secrets-resources.ts';
import { osPkiOf, parseMachineConfig } from './config-facts.ts';

export function osRootSecretsController(): Controller {
  return transformController({
    name: 'secrets.RootOSController',
    input: MachineConfig,
    output: OSRootSecrets,
    map: (res) => (res.metadata.id === MachineConfigId ? OSRootSecretsId : undefined),
    transform: (res, out) => {
      const config = parseMachineConfig(res.spec);
      const pki = config === undefined ? undefined : osPkiOf(config);
      if (pki === undefined) return;
      out.issuingCA = { crt: pki.caCrt, key: pki.caKey };
      out.acceptedCAs = [{ crt: pki.caCrt }];
      out.certSANIPs = pki.certSANs.filter((s) => isIP(s) !== 0);
      out.certSANDNSNames = pki.certSANs.filter((s) => isIP(s) === 0);
      out.token = pki.token;
    },
  });
}
