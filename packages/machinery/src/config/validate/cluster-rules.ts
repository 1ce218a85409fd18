// Checks of cluster.*: required endpoint, name and secrets per machine type, CA pairs, subnets.
import type { V1Alpha1Config } from '../v1alpha1/config.ts';
import type { Findings } from './findings.ts';
import type { RuleContext } from './machine-rules.ts';
import { reportPair } from './pair-rule.ts';
import { checkKey } from './pki.ts';
import { overlaps } from './subnets.ts';
import { ManifestDocumentError, parseManifestObjects } from '../../kubernetes/manifest-documents.ts';

type Cluster = NonNullable<V1Alpha1Config['cluster']>;

export function checkCluster(found: Findings, doc: number, cfg: V1Alpha1Config, ctx: RuleContext): void {
  const c = cfg.cluster;
  if (c === undefined) {
    found.error(doc, [], 'the v1alpha1 document needs a cluster section', { code: 'missing-field' });
    return;
  }
  const cp = cfg.machine?.type === 'controlplane' || cfg.machine?.type === 'init';
  const worker = cfg.machine?.type === 'worker' || cfg.machine?.type === 'join';
  if (c.controlPlane?.endpoint === undefined || c.controlPlane.endpoint === '')
    found.error(doc, ['cluster'], 'cluster.controlPlane.endpoint is required, e.g. https://10.0.0.1:6443', {
      code: 'missing-field',
    });
  if (cp && (c.clusterName ?? '') === '')
    found.warn(
      doc,
      ['cluster'],
      'cluster.clusterName is not set: Kubernetes certificates and kubeconfigs are named after it',
      {
        code: 'missing-field',
      },
    );
  if (c.token === undefined || c.token === '')
    found.error(
      doc,
      ['cluster'],
      'cluster.token (the Kubernetes bootstrap token) is required; osctl gen secrets creates one',
      { code: 'missing-field' },
    );
  reportPair(found, { doc, path: ['cluster', 'ca'] }, c.ca, {
    what: 'the Kubernetes CA (cluster.ca)',
    requireKey: cp,
    keyForbidden: !cp,
    expectCA: true,
  });
  if (cp) checkControlPlaneSecrets(found, doc, c);
  if (worker) checkWorkerSecrets(found, doc, c);
  if (!cp && c.etcd !== undefined)
    found.error(doc, ['cluster', 'etcd'], 'etcd settings are allowed only on control-plane nodes: remove them', {
      code: 'conflict',
    });
  checkNetwork(found, doc, c);
  checkManifests(found, doc, c);
  checkDiscovery(found, doc, c, ctx.kinds.has('DiscoveryIdentityConfig'));
  if (c.allowSchedulingOnMasters !== undefined)
    found.warn(
      doc,
      ['cluster', 'allowSchedulingOnMasters'],
      'allowSchedulingOnMasters is deprecated: use allowSchedulingOnControlPlanes',
      { code: 'deprecated' },
    );
  if (c.etcd?.subnet !== undefined)
    found.warn(doc, ['cluster', 'etcd', 'subnet'], 'etcd.subnet is deprecated: use etcd.advertisedSubnets', {
      code: 'deprecated',
    });
}

function checkControlPlaneSecrets(found: Findings, doc: number, c: Cluster): void {
  if (c.etcd?.ca === undefined)
    found.error(
      doc,
      c.etcd === undefined ? ['cluster'] : ['cluster', 'etcd'],
      'a control-plane config needs the etcd CA (cluster.etcd.ca with crt and key)',
      { code: 'missing-field' },
    );
  else
    reportPair(found, { doc, path: ['cluster', 'etcd', 'ca'] }, c.etcd.ca, {
      what: 'the etcd CA (cluster.etcd.ca)',
      requireKey: true,
      expectCA: true,
    });
  if (c.aggregatorCA === undefined)
    found.warn(
      doc,
      ['cluster'],
      'cluster.aggregatorCA is not set: the API aggregation layer (metrics-server and others) will not work',
      { code: 'missing-field' },
    );
  else
    reportPair(found, { doc, path: ['cluster', 'aggregatorCA'] }, c.aggregatorCA, {
      what: 'the aggregator CA',
      requireKey: true,
      expectCA: true,
    });
  const sa = checkKey(c.serviceAccount?.key, 'the service-account key (cluster.serviceAccount.key)');
  if (sa !== undefined)
    found.error(doc, c.serviceAccount === undefined ? ['cluster'] : ['cluster', 'serviceAccount', 'key'], sa, {
      code: c.serviceAccount?.key === undefined ? 'missing-field' : 'invalid-value',
    });
  if ((c.secretboxEncryptionSecret ?? '') === '' && (c.aescbcEncryptionSecret ?? '') === '')
    found.error(
      doc,
      ['cluster'],
      'a control-plane config needs cluster.secretboxEncryptionSecret (or aescbcEncryptionSecret) to encrypt Kubernetes secrets in etcd',
      { code: 'missing-field' },
    );
}

function checkWorkerSecrets(found: Findings, doc: number, c: Cluster): void {
  const leaked: [string[], string | undefined][] = [
    [['cluster', 'aggregatorCA', 'key'], c.aggregatorCA?.key],
    [['cluster', 'serviceAccount', 'key'], c.serviceAccount?.key],
    [['cluster', 'secretboxEncryptionSecret'], c.secretboxEncryptionSecret],
  ];
  for (const [path, value] of leaked) {
    if (value !== undefined && value !== '')
      found.warn(doc, path, 'a worker config carries a control-plane secret: remove it (workers do not need it)', {
        value: '<secret>',
      });
  }
}

function checkNetwork(found: Findings, doc: number, c: Cluster): void {
  const net = c.network;
  if (net === undefined) return;
  if (net.podSubnets?.length === 0)
    found.error(doc, ['cluster', 'network', 'podSubnets'], 'at least one pod subnet is required');
  if (net.serviceSubnets?.length === 0)
    found.error(doc, ['cluster', 'network', 'serviceSubnets'], 'at least one service subnet is required');
  net.podSubnets?.forEach((pod, i) => {
    net.serviceSubnets?.forEach((svc) => {
      if (overlaps(pod, svc))
        found.error(
          doc,
          ['cluster', 'network', 'podSubnets', i],
          `the pod subnet overlaps the service subnet ${svc}: pick disjoint ranges`,
          { code: 'conflict' },
        );
    });
  });
  const cni = net.cni;
  if (cni?.name === 'custom' && (cni.urls?.length ?? 0) === 0)
    found.error(doc, ['cluster', 'network', 'cni'], 'a custom CNI needs urls: the manifests to apply', {
      code: 'missing-field',
    });
  if (cni?.name !== undefined && cni.name !== 'custom' && (cni.urls?.length ?? 0) > 0)
    found.error(doc, ['cluster', 'network', 'cni', 'urls'], `urls are used only with the custom CNI, not ${cni.name}`, {
      code: 'conflict',
    });
}

function checkManifests(found: Findings, doc: number, c: Cluster): void {
  const names = new Set<string>();
  c.inlineManifests?.forEach((m, i) => {
    if (m.name === undefined)
      found.error(doc, ['cluster', 'inlineManifests', i], 'an inline manifest needs a name', { code: 'missing-field' });
    else if (names.has(m.name))
      found.error(doc, ['cluster', 'inlineManifests', i, 'name'], 'two inline manifests have this name', {
        code: 'conflict',
      });
    else names.add(m.name);
    try {
      parseManifestObjects(m.contents ?? '');
    } catch (err) {
      if (!(err instanceof ManifestDocumentError)) throw err;
      found.error(doc, ['cluster', 'inlineManifests', i, 'contents'], err.message, { code: 'invalid-value' });
    }
  });
}

function checkDiscovery(found: Findings, doc: number, c: Cluster, hasIdentity: boolean): void {
  const d = c.discovery;
  if (d?.enabled === true && d.registries?.service?.disabled !== true) {
    for (const field of ['id', 'secret'] as const) {
      if ((c[field] ?? '') === '' && !hasIdentity)
        found.error(doc, ['cluster'], `the discovery service needs cluster.${field}; osctl gen secrets creates one`, {
          code: 'missing-field',
        });
    }
    const endpoint = d.registries?.service?.endpoint;
    if (endpoint !== undefined && URL.canParse(endpoint) && !['', '/'].includes(new URL(endpoint).pathname))
      found.error(
        doc,
        ['cluster', 'discovery', 'registries', 'service', 'endpoint'],
        'the discovery service endpoint takes no path',
      );
  }
  const ecp = c.externalCloudProvider;
  if (ecp !== undefined && ecp.enabled !== true && (ecp.manifests?.length ?? 0) > 0)
    found.error(
      doc,
      ['cluster', 'externalCloudProvider', 'manifests'],
      'manifests are given but the external cloud provider is not enabled',
      {
        code: 'conflict',
      },
    );
}
