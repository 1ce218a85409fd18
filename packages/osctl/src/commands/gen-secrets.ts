import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import {
  generateSecretsBundle,
  saveSecretsBundle,
  secretsBundleFromControlPlaneConfig,
  type SecretsBundle,
} from '@bronze/machinery';
import { resolve } from 'node:path';
import type { Io } from '../io.ts';

export function genSecretsCommand(io: Io): Command {
  return new Command('secrets')
    .summary('generate a secrets bundle that gen config can reuse')
    .description(
      'Generate the secrets of a cluster (secrets.yaml, in the format talosctl writes): the cluster identity, the bootstrap and trustd tokens, the secretbox key, the OS CA (Ed25519), the Kubernetes, aggregator and etcd CAs (ECDSA) and the service-account key (RSA). Keep the file safe: every config of the cluster can be regenerated from it with "osctl gen config --with-secrets secrets.yaml". It is written with mode 0600.',
    )
    .option('-o, --output-file <path>', 'where to write the bundle', 'secrets.yaml')
    .option('--from-controlplane-config <file>', 'recover the bundle from a control-plane machine config')
    .option('-f, --force', 'overwrite an existing file')
    .action(async (opts: { outputFile: string; fromControlplaneConfig?: string; force?: boolean }) => {
      const path = resolve(io.cwd, opts.outputFile);
      const bundle =
        opts.fromControlplaneConfig === undefined
          ? await generateSecretsBundle()
          : await fromConfig(resolve(io.cwd, opts.fromControlplaneConfig));
      await saveSecretsBundle(path, bundle, { force: opts.force === true });
      io.err(`Created ${path}\n`);
    });
}

async function fromConfig(path: string): Promise<SecretsBundle> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`failed to read machine config ${path}`, { cause: err });
  }
  return secretsBundleFromControlPlaneConfig(text, path);
}
