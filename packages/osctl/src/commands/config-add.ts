import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { addContext, parseCertificatePem, parsePrivateKeyPem, pemToBase64 } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { editTalosconfig } from './config-file.ts';

export function configAddCommand(io: Io): Command {
  return new Command('add')
    .summary('add a context to the talosconfig')
    .description(
      'Add context NAME with the OS CA, client certificate and key read from PEM files. The files are checked before anything is written. The talosconfig is created when it does not exist.',
    )
    .argument('<name>', 'context name')
    .option('--ca <file>', 'PEM of the OS CA certificate')
    .option('--crt <file>', 'PEM of the client certificate')
    .option('--key <file>', 'PEM of the client key')
    .action(async (name: string, opts: { ca?: string; crt?: string; key?: string }, cmd: Command) => {
      const ca = opts.ca === undefined ? undefined : await read(io, opts.ca);
      const crt = opts.crt === undefined ? undefined : await read(io, opts.crt);
      const key = opts.key === undefined ? undefined : await read(io, opts.key);
      if (ca !== undefined) parseCertificatePem(ca, opts.ca);
      if (crt !== undefined) parseCertificatePem(crt, opts.crt);
      if (key !== undefined) parsePrivateKeyPem(key, opts.key);
      await editTalosconfig(
        cmd,
        io,
        (c) =>
          addContext(c, name, {
            endpoints: [],
            ...(ca === undefined ? {} : { ca: pemToBase64(ca) }),
            ...(crt === undefined ? {} : { crt: pemToBase64(crt) }),
            ...(key === undefined ? {} : { key: pemToBase64(key) }),
          }),
        { allowMissing: true },
      );
    });
}

async function read(io: Io, file: string): Promise<string> {
  const path = resolve(io.cwd, file);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`failed to read ${path}`, { cause: err });
  }
}
