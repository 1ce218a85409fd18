// KubernetesRootSecrets from the control-plane config (cluster.ca, aggregatorCA, etcd.ca,
// serviceAccount, the encryption secrets): 1:1 with the MachineConfig; none on a worker. A
// control-plane config missing one of them makes the controller fail with the field's name (and
// retry with backoff, so that a config applied later heals it).
import { kubernetesRootSecretsOf } from '@bronze/machinery';
import { transformController, type Controller } from '@bronze/runtime';
import { parseMachineConfig } from '../controllers/config-facts.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { KubernetesRootSecrets, KubernetesRootSecretsId } from './kubernetes-resources.ts';

export function kubernetesRootSecretsController(): Controller {
  return transformController({
    name: 'secrets.KubernetesRootController',
    input: MachineConfig,
    output: KubernetesRootSecrets,
    map: (res) => {
      if (res.metadata.id !== MachineConfigId) return undefined;
      return parseMachineConfig(res.spec)?.isControlPlane() === true ? KubernetesRootSecretsId : undefined;
    },
    transform: (res, out) => {
      const config = parseMachineConfig(res.spec);
      const root = config === undefined ? undefined : kubernetesRootSecretsOf(config);
      if (root !== undefined) Object.assign(out, root);
    },
  });
}
