import { pemToBase64 } from '../pki/pem.ts';
import type { ConfigInput, ConfigObject } from './config-input.ts';
import { DefaultKubePrismPort, kubernetesImages } from './versions.ts';

export type MachineType = 'controlplane' | 'worker';

/**
 * The `machine` section. A control-plane node gets the OS CA key (it signs apid certificates and,
 * through trustd, the workers'); a worker gets only the CA certificate (`key: ""`, as Talos writes it).
 */
export function machineSection(input: ConfigInput, type: MachineType): ConfigObject {
  const os = input.secrets.certs.os;
  const network: ConfigObject = input.withKubespan ? { kubespan: { enabled: true } } : {};
  const machine: ConfigObject = {
    type,
    token: input.secrets.trustdInfo.token,
    ca: { crt: pemToBase64(os.crt), key: type === 'controlplane' ? pemToBase64(os.key) : '' },
    certSANs: [...input.additionalSans],
    kubelet: {
      image: kubernetesImages(input.kubernetesVersion).kubelet,
      defaultRuntimeSeccompProfileEnabled: true,
      disableManifestsDirectory: true,
    },
    network,
    install: { disk: input.installDisk, image: input.installImage, wipe: false },
    features: {
      rbac: true,
      stableHostname: true,
      apidCheckExtKeyUsage: true,
      diskQuotaSupport: true,
      kubePrism: { enabled: true, port: DefaultKubePrismPort },
      hostDNS: { enabled: true, forwardKubeDNSToHost: true },
    },
  };
  if (type === 'controlplane') {
    machine['nodeLabels'] = { 'node.kubernetes.io/exclude-from-external-load-balancers': '' };
  }
  return machine;
}
