import { Command } from 'commander';
import { encodePrivateKeyPem, generatePrivateKey } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { writeGenFiles } from './gen-files.ts';

export function genKeyCommand(io: Io): Command {
  return new Command('key')
    .summary('generate an Ed25519 private key')
    .description('Generate an Ed25519 private key and write it to NAME.key (mode 0600).')
    .requiredOption('--name <name>', 'base name of the key file')
    .option('-f, --force', 'overwrite an existing file')
    .action(async (opts: { name: string; force?: boolean }) => {
      const key = await generatePrivateKey('ed25519');
      await writeGenFiles(io, [{ name: `${opts.name}.key`, data: encodePrivateKeyPem(key) }], {
        force: opts.force === true,
      });
    });
}
