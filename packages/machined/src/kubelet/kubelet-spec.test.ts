// The kubelet's config and spec from machine configs: defaults, what machine.kubelet changes, and
// the node IP filter (a property test against a brute-force subnet check).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import 'reflect-metadata';
import { applyConfigPatches, generateConfigs, parsePatch } from '@bronze/machinery';
import { parseMachineConfig } from '../controllers/config-facts.ts';
import { inSubnet, kubeletConfigOf, kubeletSpecOf, pickNodeIP } from './kubelet-spec.ts';

const configs = await generateConfigs({ clusterName: 'unit', endpoint: 'https://10.5.0.2:6443', rsaBits: 2048 });

function load(text: string, patch?: string) {
  const patched = patch === undefined ? text : applyConfigPatches(text, [parsePatch(patch, 'test patch')]);
  const config = parseMachineConfig(patched);
  assert.ok(config !== undefined);
  return config;
}

test('no address allowed by validSubnets: no spec (the kubelet waits)', () => {
  const cfg = kubeletConfigOf(
    load(configs.worker, 'machine:\n  kubelet:\n    nodeIP:\n      validSubnets: ["192.168.0.0/16"]\n'),
  );
  assert.equal(kubeletSpecOf(cfg, { addresses: ['10.5.0.3'], hostname: 'w1', root: '/' }), undefined);
  assert.equal(
    kubeletSpecOf(kubeletConfigOf(load(configs.worker)), { addresses: ['10.5.0.3'], hostname: '', root: '/' }),
    undefined,
  );
});

test('a worker: DNS at the 10th service IP, bootstrap flags, no taint', () => {
  const cfg = kubeletConfigOf(load(configs.worker));
  assert.deepEqual(cfg.clusterDNS, ['10.96.0.10']);
  assert.equal(cfg.clusterDomain, 'cluster.local');
  const spec = kubeletSpecOf(cfg, { addresses: ['10.5.0.3'], hostname: 'w1', root: '/' });
  assert.ok(spec !== undefined);
  assert.ok(spec.args.includes('--node-ip=10.5.0.3'));
  assert.ok(spec.args.includes('--hostname-override=w1'));
  assert.ok(spec.args.includes('--bootstrap-kubeconfig=/system/secrets/kubelet/bootstrap-kubeconfig'));
  assert.ok(spec.args.includes('--kubeconfig=/var/lib/kubelet/kubeconfig'));
  assert.ok(!spec.args.some((a) => a.startsWith('--register-with-taints')));
  assert.equal(spec.config['staticPodPath'], '/etc/kubernetes/manifests');
  assert.equal(spec.config['cgroupRoot'], '/');
  assert.equal(spec.config['failCgroupV1'], false);
  assert.deepEqual(spec.config['authorization'], { mode: 'Webhook' });
});

test('a control plane is tainted unless it schedules workloads', () => {
  const tainted = kubeletSpecOf(kubeletConfigOf(load(configs.controlplane)), {
    addresses: ['10.5.0.2'],
    hostname: 'c1',
    root: '/',
  });
  assert.ok(tainted?.args.includes('--register-with-taints=node-role.kubernetes.io/control-plane=:NoSchedule'));
  const open = kubeletSpecOf(
    kubeletConfigOf(load(configs.controlplane, 'cluster:\n  allowSchedulingOnControlPlanes: true\n')),
    {
      addresses: ['10.5.0.2'],
      hostname: 'c1',
      root: '/',
    },
  );
  assert.ok(open !== undefined && !open.args.some((a) => a.startsWith('--register-with-taints')));
});

test('extraArgs replace flags, extraConfig merges into the configuration, validSubnets pick the address', () => {
  const patch =
    'machine:\n  kubelet:\n    extraArgs:\n      node-ip: 10.9.9.9\n      v: "4"\n    extraConfig:\n      maxPods: 50\n      evictionHard:\n        memory.available: 200Mi\n    nodeIP:\n      validSubnets: ["10.6.0.0/16", "!10.6.0.1/32"]\n';
  const cfg = kubeletConfigOf(load(configs.worker, patch));
  const spec = kubeletSpecOf(cfg, { addresses: ['10.5.0.3', '10.6.0.1', '10.6.0.7'], hostname: 'w1', root: '/r' });
  assert.ok(spec !== undefined);
  assert.equal(spec.nodeIP, '10.6.0.7');
  assert.ok(spec.args.includes('--node-ip=10.9.9.9'));
  assert.ok(spec.args.includes('--v=4'));
  assert.equal(spec.config['maxPods'], 50);
  assert.deepEqual(spec.config['evictionHard'], {
    'memory.available': '200Mi',
    'nodefs.available': '1%',
    'imagefs.available': '1%',
    'nodefs.inodesFree': '1%',
  });
  assert.equal(spec.config['staticPodPath'], '/r/etc/kubernetes/manifests');
});

test('inSubnet agrees with comparing the leading bits (property)', () => {
  const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  fc.assert(
    fc.property(ip, ip, fc.integer({ min: 0, max: 32 }), (a, b, bits) => {
      const n = (x: number[]) => x.reduce((acc, p) => acc * 256 + p, 0);
      const same = bits === 0 || Math.floor(n(a) / 2 ** (32 - bits)) === Math.floor(n(b) / 2 ** (32 - bits));
      assert.equal(inSubnet(a.join('.'), `${b.join('.')}/${String(bits)}`), same);
    }),
  );
  assert.equal(pickNodeIP(['fd00::3', '10.5.0.3'], []), 'fd00::3');
});
