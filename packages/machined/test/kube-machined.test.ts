// A real control-plane machined process renders its Kubernetes: the PKI and the static pod
// manifests appear under its root, StaticPods are served over COSI (KubernetesCerts only to
// admins), and after Bootstrap the kube-apiserver started from its manifest becomes ready against
// the node's own etcd.
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { adminKubeconfig, applyConfigPatches, generateConfigs, loadConfig, parsePatch } from '@bronze/machinery';
import { kubernetesPaths } from '../src/kubernetes/kubernetes-controllers.ts';
import {
  ComponentProcesses,
  freePort,
  GiveUp,
  kubeCall,
  kubeSkip,
  readControlPlaneManifests,
  tlsOf,
  until,
} from './kube-fixture.ts';
import { collect, expectApiError, nextAddress, roleMetadata, soon, startNode, waitFor } from './machined-fixture.ts';

test(
  'a control-plane machined renders its control plane, which runs on its etcd',
  { skip: kubeSkip, timeout: 120_000 },
  async (t) => {
    const address = nextAddress();
    const port = await freePort('0.0.0.0');
    const generated = await generateConfigs({
      clusterName: 'kube-machined',
      endpoint: `https://${address}:${String(port)}`,
    });
    const text = applyConfigPatches(generated.controlplane, [
      parsePatch(`cluster:\n  controlPlane: { localAPIServerPort: ${String(port)} }\n`, 'test'),
    ]);
    const node = await startNode(t, { config: text, address });
    const { secretsDir, manifestsDir } = kubernetesPaths(node.dir);
    const pods = await waitFor(() => readControlPlaneManifests(manifestsDir), {
      what: 'the static pod manifests',
      timeoutMs: 30_000,
      output: node.output,
    });
    // The manifests may land a moment before the PKI files (renamed into place back to back): a kubelet
    // retries; this test starts the API server once, so it waits.
    await waitFor(() => stat(join(secretsDir, 'service-account.key')), {
      what: 'the Kubernetes PKI files',
      timeoutMs: 30_000,
      output: node.output,
    });
    assert.equal((await stat(secretsDir)).mode & 0o777, 0o700);
    for (const f of await readdir(secretsDir)) assert.equal((await stat(join(secretsDir, f))).mode & 0o777, 0o600, f);

    const admin = { metadata: roleMetadata('os:admin') };
    const reader = { metadata: roleMetadata('os:reader') };
    const listed = await collect(
      node.state.list({ namespace: 'k8s', type: 'StaticPods.kubernetes.talos.dev' }, { deadline: soon(), ...reader }),
    );
    assert.deepEqual(listed.map((r) => r.resource?.metadata?.id).sort(), [
      'kube-apiserver',
      'kube-controller-manager',
      'kube-scheduler',
    ]);
    const certs = { namespace: 'secrets', type: 'KubernetesCerts.secrets.talos.dev', id: 'k8s-certs' };
    await expectApiError(node.state.get(certs, { deadline: soon(), ...reader }), 'permission-denied');
    assert.ok((await node.state.get(certs, { deadline: soon(), ...admin })).resource !== undefined);

    await node.machine.bootstrap({}, { deadline: soon(30_000), ...admin });
    const procs = new ComponentProcesses(node.dir);
    t.after(() => procs.stop());
    const apiServer = pods['kube-apiserver'];
    assert.ok(apiServer !== undefined);
    const proc = procs.start(apiServer);
    const config = loadConfig(text).config;
    assert.ok(config !== undefined);
    const kube = tlsOf(await adminKubeconfig(config));
    await until(
      `kube-apiserver /readyz (see ${node.dir}/kube-apiserver.log)`,
      async () => {
        if (proc.exitCode !== null) {
          throw new GiveUp(`kube-apiserver exited ${String(proc.exitCode)}:\n${await procs.logTail('kube-apiserver')}`);
        }
        return (await kubeCall(kube, 'GET', '/readyz')).status === 200 ? true : undefined;
      },
      90_000,
    );
  },
);
