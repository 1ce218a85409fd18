import { Command } from 'commander';
import { resolve } from 'node:path';
import {
  DefaultDnsDomain,
  DefaultInstallDisk,
  DefaultInstallImage,
  DefaultKubernetesVersion,
  generateConfigs,
  isGenerateError,
  loadPatches,
  loadSecretsBundle,
  parseOutputTypes,
  writeGeneratedConfigs,
  type ConfigPatch,
} from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { collect } from './gen-files.ts';

interface GenConfigFlags {
  withSecrets?: string;
  output?: string;
  outputTypes?: string[];
  configPatch?: string[];
  configPatchControlPlane?: string[];
  configPatchWorker?: string[];
  kubernetesVersion: string;
  additionalSans?: string[];
  installDisk: string;
  installImage: string;
  dnsDomain: string;
  withKubespan?: boolean;
  withClusterDiscovery: boolean;
  withDocs?: boolean;
  withExamples?: boolean;
  force?: boolean;
}

export function genConfigCommand(io: Io): Command {
  return new Command('config')
    .summary('generate the machine configs and talosconfig of a cluster')
    .description(
      'Generate controlplane.yaml, worker.yaml and talosconfig for cluster NAME whose Kubernetes API is at ENDPOINT (https://HOST:6443: a load balancer, or the one control-plane node of a small cluster). The files are in the v1alpha1 format talosctl writes, mode 0600, and are written all or nothing; existing files are kept unless --force.\n\n' +
        'Patches (--config-patch*, repeatable) are strategic merge or JSON 6902 patches, inline or @FILE. --with-secrets reuses a bundle from "osctl gen secrets", so configs can be regenerated.',
    )
    .argument('<name>', 'cluster name (also the talosconfig context)')
    .argument('<endpoint>', 'Kubernetes API URL, e.g. https://10.5.0.2:6443')
    .option('--with-secrets <file>', 'use the secrets bundle in FILE instead of generating one')
    .option('-o, --output <path>', 'output directory; with one --output-types, the file (or - for stdout)')
    .option('-t, --output-types <types>', 'controlplane,worker,talosconfig (repeatable, comma-separated)', collect)
    .option('--config-patch <patch>', 'patch every generated config (@file or inline)', collect)
    .option('--config-patch-control-plane <patch>', 'patch the control-plane config', collect)
    .option('--config-patch-worker <patch>', 'patch the worker config', collect)
    .option('--kubernetes-version <version>', 'Kubernetes version to run', DefaultKubernetesVersion)
    .option(
      '--additional-sans <names>',
      'extra SANs for the API server certificate (repeatable, comma-separated)',
      collect,
    )
    .option('--install-disk <disk>', 'disk to install to', DefaultInstallDisk)
    .option('--install-image <image>', 'installer image', DefaultInstallImage)
    .option('--dns-domain <domain>', 'DNS domain of the cluster', DefaultDnsDomain)
    .option('--with-kubespan', 'enable KubeSpan')
    .option('--with-cluster-discovery', 'enable cluster discovery (default)', true)
    .option('--no-with-cluster-discovery', 'disable cluster discovery')
    .option('--with-docs', 'accepted for talosctl compatibility; osctl writes configs without comments')
    .option('--with-examples', 'accepted for talosctl compatibility; osctl writes configs without examples')
    .option('-f, --force', 'overwrite existing files')
    .action(async (name: string, endpoint: string, opts: GenConfigFlags) => {
      const types = usage(() => parseOutputTypes(opts.outputTypes ?? ['controlplane,worker,talosconfig']));
      const patches = {
        all: await patchesOf(opts.configPatch, io),
        controlPlane: await patchesOf(opts.configPatchControlPlane, io),
        worker: await patchesOf(opts.configPatchWorker, io),
      };
      const secrets =
        opts.withSecrets === undefined ? undefined : await loadSecretsBundle(resolve(io.cwd, opts.withSecrets));
      const configs = await usageAsync(() =>
        generateConfigs({
          clusterName: name,
          endpoint,
          ...(secrets === undefined ? {} : { secrets }),
          kubernetesVersion: opts.kubernetesVersion,
          installDisk: opts.installDisk,
          installImage: opts.installImage,
          additionalSans: (opts.additionalSans ?? []).flatMap((s) => s.split(',')).filter((s) => s !== ''),
          dnsDomain: opts.dnsDomain,
          withKubespan: opts.withKubespan === true,
          withClusterDiscovery: opts.withClusterDiscovery,
          patches,
        }),
      );
      const result = await usageAsync(() =>
        writeGeneratedConfigs(configs, {
          types,
          cwd: io.cwd,
          ...(opts.output === undefined ? {} : { output: opts.output }),
          force: opts.force === true,
        }),
      );
      if (result.kind === 'stdout') io.out(result.text);
      else for (const path of result.paths) io.err(`Created ${path}\n`);
    });
}

async function patchesOf(args: string[] | undefined, io: Io): Promise<ConfigPatch[]> {
  return args === undefined ? [] : loadPatches(args, { cwd: io.cwd });
}

/** Bad arguments (endpoint, name, version, output types) are usage errors: exit 2. */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isGenerateError(err)) throw new UsageError(err.message);
    throw err;
  }
}

async function usageAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isGenerateError(err)) throw new UsageError(err.message);
    throw err;
  }
}
