// Kubeconfigs the node's own components use: one cluster, one user, one context, the CA and the
// credentials embedded (client certificate or bootstrap token), as kubeadm and Talos write them.
import { stringify } from 'yaml';

export interface ComponentKubeconfigOptions {
  clusterName: string;
  server: string;
  /** The CA that signed the API server's serving certificate (PEM). */
  caPem: string;
  /** The user's name, such as `system:kube-scheduler`. */
  user: string;
  credentials: { crt: string; key: string } | { token: string };
}

export function componentKubeconfig(options: ComponentKubeconfigOptions): string {
  const { clusterName: name, user, credentials } = options;
  const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
  const context = `${user}@${name}`;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: options.server, 'certificate-authority-data': b64(options.caPem) } }],
    users: [
      {
        name: user,
        user:
          'token' in credentials
            ? { token: credentials.token }
            : { 'client-certificate-data': b64(credentials.crt), 'client-key-data': b64(credentials.key) },
      },
    ],
    contexts: [{ name: context, context: { cluster: name, user } }],
    'current-context': context,
  });
}
