import { Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { genCaCommand } from './gen-ca.ts';
import { genConfigCommand } from './gen-config.ts';
import { genCrtCommand } from './gen-crt.ts';
import { genCsrCommand } from './gen-csr.ts';
import { genKeyCommand } from './gen-key.ts';
import { genKeypairCommand } from './gen-keypair.ts';
import { genSecretsCommand } from './gen-secrets.ts';

export function genCommand(io: Io): Command {
  return new Command('gen')
    .summary('generate secrets, configs, CAs and keys')
    .description(
      'Generate the files a cluster starts from, offline: the secrets bundle, the machine configs and talosconfig, and single CAs, keys, CSRs and certificates. Nothing is overwritten without --force, and files holding keys are written with mode 0600.',
    )
    .helpGroup(Group.Config)
    .addCommand(genSecretsCommand(io))
    .addCommand(genConfigCommand(io))
    .addCommand(genCaCommand(io))
    .addCommand(genKeyCommand(io))
    .addCommand(genCsrCommand(io))
    .addCommand(genCrtCommand(io))
    .addCommand(genKeypairCommand(io));
}
