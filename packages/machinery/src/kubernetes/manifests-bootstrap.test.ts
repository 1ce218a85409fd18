import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../config/load.ts';
import type { ConfigBundle } from '../config/bundle.ts';
import type { KubeObject } from './k8s-client.ts';
import { bootstrapManifests, manifestYaml, type BootstrapManifest } from './manifests-bootstrap.ts';
import { flannelCniConflist } from './manifests-flannel.ts';
import { isManifestInputError, manifestInputFromConfig, nthAddress } from './manifests-input.ts';

function bundle(cluster: string): ConfigBundle {
  const r = loadConfig(`version: v1alpha1\nmachine:\n  type: controlplane\ncluster:\n${cluster}`);
  assert.ok(r.config !== undefined, JSON.stringify(r.errors));
  return r.config;
}

const base =
  '  clusterName: demo\n  controlPlane:\n    endpoint: https://10.5.0.2:6443\n  token: abcdef.0123456789abcdef\n';

function group(manifests: BootstrapManifest[], id: string): KubeObject[] {
  const m = manifests.find((g) => g.id === id);
  assert.ok(m !== undefined, `no manifest ${id}`);
  return m.objects;
}

function object(objects: KubeObject[], kind: string, name: string): KubeObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o !== undefined, `no ${kind} ${name}`);
  return o;
}

test('the input: a missing endpoint or a malformed token is an error naming the field', () => {
  assert.throws(
    () => manifestInputFromConfig(bundle('  token: abcdef.0123456789abcdef\n')),
    (err) => isManifestInputError(err) && /cluster\.controlPlane\.endpoint is empty/.test(err.message),
  );
  assert.throws(
    () => manifestInputFromConfig(bundle('  controlPlane:\n    endpoint: https://10.5.0.2:6443\n')),
    (err) => isManifestInputError(err) && /cluster\.token "\.\.\." is not ID\.SECRET/.test(err.message),
  );
});

test('the input: Talos defaults when the config names no network', () => {
  const input = manifestInputFromConfig(bundle(base));
  assert.deepEqual(input.podSubnets, ['10.244.0.0/16']);
  assert.deepEqual(input.serviceSubnets, ['10.96.0.0/12']);
  assert.equal(input.dnsServiceIp, '10.96.0.10');
  assert.equal(input.dnsDomain, 'cluster.local');
  assert.equal(input.proxy.image, 'registry.k8s.io/kube-proxy:v1.34.10');
  assert.equal(input.coreDns.image, 'registry.k8s.io/coredns/coredns:v1.12.1');
  assert.deepEqual(
    bootstrapManifests(input).map((m) => m.id),
    [
      '00-kubelet-bootstrapping-token',
      '01-csr-approver-role-binding',
      '01-csr-node-bootstrap',
      '01-csr-renewal-role-binding',
      '05-flannel',
      '10-kube-proxy',
      '11-core-dns',
      '11-core-dns-svc',
    ],
  );
});

test('the manifests follow the config: subnets, DNS domain and IP, proxy mode and args, disabled parts', () => {
  const input = manifestInputFromConfig(
    bundle(
      `${base}  network:\n    dnsDomain: example.internal\n    podSubnets: [10.200.0.0/16, 'fd00:10:244::/56']\n` +
        `    serviceSubnets: [10.100.0.0/16]\n    cni:\n      name: none\n` +
        `  proxy:\n    mode: ipvs\n    extraArgs:\n      v: "4"\n  coreDNS:\n    disabled: false\n`,
    ),
  );
  const manifests = bootstrapManifests(input);
  assert.ok(!manifests.some((m) => m.id === '05-flannel'), 'cni none: no flannel');
  const dns = object(group(manifests, '11-core-dns-svc'), 'Service', 'kube-dns');
  assert.equal((dns['spec'] as { clusterIP: string }).clusterIP, '10.100.0.10');
  const corefile = (object(group(manifests, '11-core-dns'), 'ConfigMap', 'coredns')['data'] as { Corefile: string })
    .Corefile;
  assert.match(corefile, /^ {4}kubernetes example\.internal in-addr\.arpa ip6\.arpa \{$/m);
  const proxy = group(manifests, '10-kube-proxy');
  const conf = parse(
    (object(proxy, 'ConfigMap', 'kube-proxy')['data'] as { 'config.conf': string })['config.conf'],
  ) as {
    clusterCIDR: string;
    mode: string;
  };
  assert.equal(conf.clusterCIDR, '10.200.0.0/16,fd00:10:244::/56');
  assert.equal(conf.mode, 'ipvs');
  const yaml = manifestYaml({ id: '10-kube-proxy', objects: proxy });
  assert.ok(yaml.includes('        - --v=4\n'), yaml);
  const disabled = manifestInputFromConfig(
    bundle(`${base}  proxy:\n    disabled: true\n  coreDNS:\n    disabled: true\n`),
  );
  assert.deepEqual(
    bootstrapManifests(disabled)
      .map((m) => m.id)
      .filter((id) => id.startsWith('1')),
    [],
  );
});

test('golden: the bootstrap token Secret and the CSR bindings', () => {
  const manifests = bootstrapManifests(manifestInputFromConfig(bundle(base)));
  assert.equal(
    manifestYaml({ id: 'token', objects: group(manifests, '00-kubelet-bootstrapping-token') }),
    `apiVersion: v1
kind: Secret
metadata:
  name: bootstrap-token-abcdef
  namespace: kube-system
type: bootstrap.kubernetes.io/token
data:
  token-id: YWJjZGVm
  token-secret: MDEyMzQ1Njc4OWFiY2RlZg==
  usage-bootstrap-authentication: dHJ1ZQ==
  auth-extra-groups: c3lzdGVtOmJvb3RzdHJhcHBlcnM6bm9kZXM=
`,
  );
  assert.equal(
    manifestYaml({ id: 'renewal', objects: group(manifests, '01-csr-renewal-role-binding') }),
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system-bootstrap-node-renewal
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:certificates.k8s.io:certificatesigningrequests:selfnodeclient
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: Group
    name: system:nodes
`,
  );
});

test('golden: flannel net-conf.json from the pod subnets, the conflist, the DaemonSet command', () => {
  const input = manifestInputFromConfig(
    bundle(`${base}  network:\n    podSubnets: [10.200.0.0/16, 'fd00:10:244::/56']\n`),
  );
  const flannel = group(bootstrapManifests(input), '05-flannel');
  const data = object(flannel, 'ConfigMap', 'kube-flannel-cfg')['data'] as Record<string, string>;
  assert.equal(
    data['net-conf.json'],
    `{
  "Network": "10.200.0.0/16",
  "EnableIPv6": true,
  "IPv6Network": "fd00:10:244::/56",
  "Backend": {
    "Type": "vxlan",
    "Port": 4789
  }
}
`,
  );
  assert.equal(data['cni-conf.json'], flannelCniConflist());
  assert.deepEqual(JSON.parse(flannelCniConflist()), {
    name: 'cbr0',
    cniVersion: '0.3.1',
    plugins: [
      { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  });
  const yaml = manifestYaml({ id: 'flannel', objects: [object(flannel, 'DaemonSet', 'kube-flannel')] });
  assert.ok(
    yaml.includes(
      `      containers:
        - name: kube-flannel
          image: ghcr.io/flannel-io/flannel:v0.28.4
          imagePullPolicy: IfNotPresent
          command:
            - /opt/bin/flanneld
          args:
            - --ip-masq
            - --kube-subnet-mgr
`,
    ),
    yaml,
  );
  assert.ok(!yaml.includes('initContainers'));
});

test('every object is named, has a kind, pulls nothing and reads back as the same YAML', () => {
  const manifests = bootstrapManifests(manifestInputFromConfig(bundle(base)));
  for (const m of manifests) {
    const docs = parseAllDocuments(manifestYaml(m)).map((d) => d.toJS() as unknown);
    assert.deepEqual(docs, m.objects);
    for (const o of m.objects) {
      assert.ok(o.metadata.name !== '' && o.kind !== '' && o.apiVersion !== '');
    }
  }
  const images = manifests
    .flatMap((m) => m.objects)
    .flatMap((o) => {
      const spec = (
        o['spec'] as { template?: { spec: { containers: { image: string; imagePullPolicy: string }[] } } } | undefined
      )?.template?.spec.containers;
      return spec ?? [];
    });
  assert.deepEqual(
    images.map((c) => c.imagePullPolicy),
    ['IfNotPresent', 'IfNotPresent', 'IfNotPresent'],
  );
  assert.deepEqual(images.map((c) => c.image).sort(), [
    'ghcr.io/flannel-io/flannel:v0.28.4',
    'registry.k8s.io/coredns/coredns:v1.12.1',
    'registry.k8s.io/kube-proxy:v1.34.10',
  ]);
});

test('nthAddress: the 10th address of a subnet, IPv4 and IPv6; not a CIDR is undefined', () => {
  assert.equal(nthAddress('10.96.0.0/12', 10), '10.96.0.10');
  assert.equal(nthAddress('10.96.5.7/12', 10), '10.96.0.10');
  assert.equal(nthAddress('fd00:10:96::/112', 10), 'fd00:10:96::a');
  assert.equal(nthAddress('10.96.0.0', 10), undefined);
  assert.equal(nthAddress('10.96.0.0/33', 10), undefined);
  assert.equal(nthAddress('nope/8', 10), undefined);
  fc.assert(
    fc.property(fc.ipV4(), fc.integer({ min: 0, max: 24 }), (ip, bits) => {
      const out = nthAddress(`${ip}/${String(bits)}`, 10) ?? '';
      const parts = out.split('.').map(Number);
      // a network of /24 or shorter ends in .0, so its 10th address ends in .10 and keeps the prefix
      return (
        parts.length === 4 &&
        parts[3] === 10 &&
        out.split('.')[0] === (bits >= 8 ? ip.split('.')[0] : out.split('.')[0])
      );
    }),
  );
});
