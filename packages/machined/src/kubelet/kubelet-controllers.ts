// The kubelet's controllers (Talos's names): KubeletConfig from the machine config, Nodename from
// the hostname, KubeletSpec from them and the node's address, and the service controller that writes the kubelet's
// files (KubeletConfiguration, bootstrap kubeconfig, client CA, /etc/machine-id) and restarts a
// running kubelet whose spec changed.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { base64ToPem, kubeletBootstrapKubeconfig, writeFileAtomic } from '@bronze/machinery';
import { exclusive, weak, type Controller } from '@bronze/runtime';
import { parseMachineConfig } from '../controllers/config-facts.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';
import { HostnameStatus, HostnameStatusId, NodeAddress, NodeAddressIds } from '../resources/network-resources.ts';
import { KubeletConfig, KubeletId, KubeletSpec, Nodename, NodenameId } from './kubelet-resources.ts';
import { KubeletRun } from './kubelet-run.ts';
import { kubeletConfigOf, kubeletPaths, kubeletSpecOf, type KubeletSpecSpec } from './kubelet-spec.ts';
import { nodeLabelsController } from './node-labels-controller.ts';
import { staticPodStatusController } from './static-pod-status-controller.ts';

export interface KubeletControllersOptions {
  root: string;
  run: KubeletRun;
  /** Restarts the kubelet service (its runner reads the new spec). */
  restart: () => Promise<void>;
}

function kubeletConfigController(): Controller {
  return {
    name: 'k8s.KubeletConfigController',
    inputs: [weak(MachineConfig)],
    outputs: [exclusive(KubeletConfig)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        ctx.startTrackingOutputs();
        const res = await ctx.find(MachineConfig, MachineConfigId);
        const config = res === undefined ? undefined : parseMachineConfig(res.spec);
        if (config?.v1alpha1()?.cluster !== undefined) {
          const spec = kubeletConfigOf(config);
          await ctx.modify({ type: KubeletConfig, id: KubeletId }, (s) => {
            Object.assign(s, spec);
          });
        }
        await ctx.cleanupOutputs();
      }
    },
  };
}

/** Nodename from the hostname (its FQDN with machine.kubelet.registerWithFQDN), as the kubelet registers. */
function nodenameController(): Controller {
  return {
    name: 'k8s.NodenameController',
    inputs: [weak(HostnameStatus), weak(MachineConfig)],
    outputs: [exclusive(Nodename)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        ctx.startTrackingOutputs();
        const host = await ctx.find(HostnameStatus, HostnameStatusId);
        const res = await ctx.find(MachineConfig, MachineConfigId);
        const kubelet = res === undefined ? undefined : parseMachineConfig(res.spec)?.v1alpha1()?.machine?.kubelet;
        if (host !== undefined && host.spec.hostname !== '') {
          const { hostname, domainname } = host.spec;
          const fqdn = kubelet?.registerWithFQDN === true && domainname !== '' ? `${hostname}.${domainname}` : hostname;
          await ctx.modify({ type: Nodename, id: NodenameId }, (s) => {
            s.nodename = fqdn.toLowerCase();
            s.hostnameVersion = String(host.metadata.version);
            s.skipNodeRegistration = kubelet?.skipNodeRegistration === true;
          });
        }
        await ctx.cleanupOutputs();
      }
    },
  };
}

function kubeletSpecController(root: string): Controller {
  return {
    name: 'k8s.KubeletSpecController',
    inputs: [weak(KubeletConfig), weak(NodeAddress), weak(Nodename)],
    outputs: [exclusive(KubeletSpec)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        ctx.startTrackingOutputs();
        const cfg = await ctx.find(KubeletConfig, KubeletId);
        const current = await ctx.find(NodeAddress, NodeAddressIds.current);
        const primary = await ctx.find(NodeAddress, NodeAddressIds.default);
        const hostname = (await ctx.find(Nodename, NodenameId))?.spec.nodename ?? '';
        const addresses = [...(primary?.spec.addresses ?? []), ...(current?.spec.addresses ?? [])].map(
          (a) => a.split('/')[0] ?? a,
        );
        const spec = cfg === undefined ? undefined : kubeletSpecOf(cfg.spec, { addresses, hostname, root });
        if (spec !== undefined) {
          await ctx.modify({ type: KubeletSpec, id: KubeletId }, (s) => {
            Object.assign(s, spec);
          });
        }
        await ctx.cleanupOutputs();
      }
    },
  };
}

/** A stable machine id per node (the kubelet reads /etc/machine-id): from its persisted identity. */
async function machineId(root: string, hostname: string): Promise<string> {
  const identity = await readFile(join(root, 'system/state/node-identity'), 'utf8').catch(() => hostname);
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}

async function writeKubeletFiles(root: string, spec: KubeletSpecSpec, configText: string): Promise<void> {
  const config = parseMachineConfig(configText);
  const paths = kubeletPaths(root);
  await mkdir(paths.staticPodDir, { recursive: true, mode: 0o755 });
  await mkdir(dirname(paths.bootstrapKubeconfig), { recursive: true, mode: 0o700 });
  await mkdir(paths.certDir, { recursive: true, mode: 0o700 });
  const write = (path: string, data: string, mode: number) => writeFileAtomic({ path, data, mode }, { force: true });
  await write(paths.configFile, `${JSON.stringify(spec.config, undefined, 2)}\n`, 0o644);
  if (config !== undefined) {
    await write(paths.bootstrapKubeconfig, kubeletBootstrapKubeconfig(config), 0o600);
    const ca = config.v1alpha1()?.cluster?.ca?.crt ?? '';
    await write(paths.clientCAFile, base64ToPem(ca, 'cluster.ca.crt'), 0o644);
  }
  // Not atomically: /etc/machine-id may be a link into a writable directory (a rename would replace it).
  const existing = await readFile(paths.machineId, 'utf8').catch(() => '');
  if (existing.trim() === '') {
    await writeFile(paths.machineId, `${await machineId(root, spec.expectedNodename)}\n`, { mode: 0o444 });
  }
}

function kubeletServiceController(options: KubeletControllersOptions): Controller {
  return {
    name: 'k8s.KubeletServiceController',
    inputs: [weak(KubeletSpec), weak(MachineConfig)],
    outputs: [],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        const spec = await ctx.find(KubeletSpec, KubeletId);
        const config = await ctx.find(MachineConfig, MachineConfigId);
        if (spec === undefined || config === undefined) continue;
        const digest = KubeletRun.digestOf(spec.spec);
        if (digest === options.run.digest) continue;
        await writeKubeletFiles(options.root, spec.spec, config.spec);
        options.run.spec = spec.spec;
        options.run.digest = digest;
        ctx.logger.info('wrote the kubelet configuration', { nodeIP: spec.spec.nodeIP });
        const { running } = options.run;
        if (running !== undefined && running !== digest) {
          ctx.logger.info('the kubelet spec changed: restarting the kubelet');
          await options.restart().catch((err: unknown) => {
            ctx.logger.warn('kubelet restart failed', { error: err instanceof Error ? err.message : String(err) });
          });
        }
      }
    },
  };
}

export function kubeletControllers(options: KubeletControllersOptions): Controller[] {
  return [
    kubeletConfigController(),
    nodenameController(),
    kubeletSpecController(options.root),
    kubeletServiceController(options),
    nodeLabelsController({ root: options.root }),
    staticPodStatusController({ root: options.root }),
  ];
}
