// The e2e workload: agnhost (built locally, imported into every node's containerd at boot, so never
// pulled) serving HTTP behind a ClusterIP Service, and a second agnhost pod that reaches it by DNS
// name. agnhost has no shell, so every check execs /agnhost itself or goes through the API server.
import { field, type Kubectl } from './kube-e2e-helpers.ts';

export const namespace = 'bronze-e2e';
export const agnhost = 'registry.k8s.io/e2e-test-images/agnhost:2.56';
/** The Service's DNS name, fully qualified. */
export const webHost = `web.${namespace}.svc.cluster.local`;

function container(): Record<string, unknown> {
  return {
    name: 'agnhost',
    image: agnhost,
    imagePullPolicy: 'Never',
    args: ['netexec', '--http-port=8080'],
    ports: [{ containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 2 },
  };
}

/** Namespace, Deployment `web` (netexec on 8080), Service `web` (80 -> 8080) and Pod `client` (netexec too). */
export function workloadManifest(): string {
  const labels = { app: 'web' };
  const items = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [container()] } },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace },
      spec: { type: 'ClusterIP', selector: labels, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'client', namespace, labels: { app: 'client' } },
      spec: { containers: [container()] },
    },
  ];
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

/**
 * Asks the client pod's netexec (through the API server's pod proxy) to GET /hostname from
 * `webHost`:80; returns the names that answered (the web pod's hostname).
 */
export async function dialWeb(kubectl: Kubectl): Promise<string[]> {
  const query = new URLSearchParams({ request: 'hostname', host: webHost, port: '80', protocol: 'http', tries: '1' });
  const raw = await kubectl([
    'get',
    '--raw',
    `/api/v1/namespaces/${namespace}/pods/client:8080/proxy/dial?${query.toString()}`,
  ]);
  const reply = JSON.parse(raw) as unknown;
  const responses = field(reply, 'responses');
  if (!Array.isArray(responses) || responses.length === 0)
    throw new Error(`the client pod could not reach ${webHost}: ${raw}`);
  return responses.map(String);
}
