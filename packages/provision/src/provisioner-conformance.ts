// The conformance suite every provisioner runs (process now; docker and qemu later): one function,
// so that providers cannot drift apart. It creates a real 1 + 1 cluster and checks what users see.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, test, type TestContext } from 'node:test';
import { currentContext, loadClientConfig } from '@bronze/machinery';
import { isProvisionError } from './provision-error.ts';
import { NodeRole, NodeState, type NodeInfo, type Provisioner } from './provisioner.ts';
import { callVersion } from './wait-api.ts';

export interface ConformanceTarget {
  /** A provisioner over a fresh state directory, cleaned up by `t`. */
  make: (t: TestContext) => Promise<Provisioner>;
  /** True once nothing of the node runs any more (no process, container or VM). */
  isGone: (node: NodeInfo) => Promise<boolean>;
  waitTimeoutMs?: number;
  rsaBits?: number;
  /**
   * The talosconfig context reaches the cluster through one port published on 127.0.0.1 (docker)
   * rather than through the control planes' own addresses (process).
   */
  loopbackEndpoint?: boolean;
  /** Skip the suite, saying why (the provider's program or engine is not available). */
  skip?: string | false;
}

export function provisionerConformance(name: string, target: ConformanceTarget): void {
  void suite(`provisioner conformance: ${name}`, { skip: target.skip ?? false }, () => {
    void test('refuses a bad name and a cluster without control planes', async (t) => {
      const p = await target.make(t);
      await assert.rejects(p.create({ name: 'Bad_Name', controlPlanes: 1, workers: 0 }), (e) =>
        isProvisionError(e, 'invalid'),
      );
      await assert.rejects(p.create({ name: 'ok', controlPlanes: 0, workers: 1 }), (e) =>
        isProvisionError(e, 'invalid'),
      );
      assert.deepEqual(await p.list(), []);
    });

    void test('show and destroy of an unknown cluster say it does not exist', async (t) => {
      const p = await target.make(t);
      await assert.rejects(
        p.show('nope'),
        (e) => isProvisionError(e, 'not-found') && /no cluster nope/.test(e.message),
      );
      await assert.rejects(p.destroy('nope'), (e) => isProvisionError(e, 'not-found'));
    });

    void test('creates a 1 + 1 cluster, shows it, refuses its name again, and destroys it completely', async (t) => {
      const p = await target.make(t);
      const dir = await mkdtemp(join(tmpdir(), 'bronze-conformance-'));
      t.after(() => rm(dir, { recursive: true, force: true }));
      const talosconfig = join(dir, 'talosconfig');
      const lines: string[] = [];
      const request = {
        name: 'conf',
        controlPlanes: 1,
        workers: 1,
        talosconfig,
        waitTimeoutMs: target.waitTimeoutMs ?? 60_000,
        ...(target.rsaBits === undefined ? {} : { rsaBits: target.rsaBits }),
        progress: (l: string) => lines.push(l),
      };
      const info = await p.create(request);
      t.after(() => p.destroy('conf').catch(() => undefined));
      assert.deepEqual(
        info.nodes.map((n) => [n.name, n.role, n.state]),
        [
          ['conf-controlplane-1', NodeRole.controlPlane, NodeState.running],
          ['conf-worker-1', NodeRole.worker, NodeState.running],
        ],
      );
      assert.equal(new Set(info.nodes.map((n) => n.address)).size, 2);
      assert.deepEqual(info.endpoints, [info.nodes[0]?.address]);
      assert.ok(
        lines.some((l) => /waiting/.test(l)),
        'progress lines while waiting',
      );

      const config = await loadClientConfig(talosconfig);
      const { name, context } = currentContext(config);
      assert.equal(name, 'conf');
      if (target.loopbackEndpoint === true) assert.match(context.endpoints.join(','), /^127\.0\.0\.1:\d+$/);
      else assert.deepEqual(context.endpoints, info.endpoints);
      assert.deepEqual(
        context.nodes,
        info.nodes.map((n) => n.address),
      );
      const pem = (v: string | undefined) => Buffer.from(v ?? '', 'base64').toString('utf8');
      const tls = { ca: pem(context.ca), cert: pem(context.crt), key: pem(context.key) };
      for (const node of info.nodes)
        assert.equal(typeof (await callVersion(node.address, tls, { timeoutMs: 5000 })), 'string');

      assert.deepEqual((await p.show('conf')).nodes, info.nodes);
      assert.deepEqual(
        (await p.list()).map((c) => c.name),
        ['conf'],
      );
      await assert.rejects(p.create(request), (e) => isProvisionError(e, 'exists'));

      const result = await p.destroy('conf', { progress: (l) => lines.push(l) });
      assert.deepEqual(result.leftovers, []);
      for (const node of info.nodes) assert.ok(await target.isGone(node), `${node.name} is gone`);
      await assert.rejects(p.show('conf'), (e) => isProvisionError(e, 'not-found'));
      const after = await loadClientConfig(talosconfig);
      assert.equal(after.contexts['conf'], undefined, `the context is removed: ${lines.join('\n')}`);
    });
  });
}
