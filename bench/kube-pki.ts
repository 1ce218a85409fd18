// The control plane's Kubernetes PKI and static pods: how long issuing every file of
// system/secrets/kubernetes takes (seven ECDSA leaf certificates, the kubeconfigs, the encryption
// config) and rendering the three static pod manifests, as machined does at boot and on a change.
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import {
  apiServerConfigOf,
  apiServerPod,
  controllerManagerConfigOf,
  controllerManagerPod,
  generateConfigs,
  issueKubernetesSecrets,
  kubernetesRootSecretsOf,
  loadConfig,
  schedulerConfigOf,
  schedulerPod,
  staticPodYaml,
} from '@bronze/machinery';
import { benchLine, percentile } from './lib-stats.ts';

const runs = Number(process.argv[2] ?? '20');
const generated = await generateConfigs({ clusterName: 'bench', endpoint: 'https://10.5.0.2:6443' });
const config = loadConfig(generated.controlplane).config;
if (config === undefined) throw new Error('the generated config does not load');
const root = kubernetesRootSecretsOf(config);
if (root === undefined) throw new Error('the generated config has no kubernetes root secrets');

async function timed(fn: () => unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

const issue = await timed(() => issueKubernetesSecrets(root, { addresses: ['10.5.0.2'], hostname: 'cp-1' }));
const render = await timed(() => {
  const api = apiServerConfigOf(config, { address: '10.5.0.2' });
  const cm = controllerManagerConfigOf(config);
  const sched = schedulerConfigOf(config);
  if (api === undefined || cm === undefined || sched === undefined) throw new Error('no control plane');
  return [apiServerPod(api), controllerManagerPod(cm), schedulerPod(sched)].map(staticPodYaml);
});
const ms = (v: number): string => v.toFixed(2);
process.stdout.write(
  `issue every PKI file: p50 ${ms(percentile(issue, 50))} ms, p95 ${ms(percentile(issue, 95))} ms (${String(runs)} runs)\n` +
    `render three static pods: p50 ${ms(percentile(render, 50))} ms, p95 ${ms(percentile(render, 95))} ms\n`,
);
process.stdout.write(
  `${benchLine('kube-pki', {
    issue_p50_ms: ms(percentile(issue, 50)),
    issue_p95_ms: ms(percentile(issue, 95)),
    render_p50_ms: ms(percentile(render, 50)),
    render_p95_ms: ms(percentile(render, 95)),
  })}\n`,
);
