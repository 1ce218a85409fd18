import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseCertificateAndKey, signCsr } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { hoursToMs, writeGenFiles } from './gen-files.ts';

export function genCrtCommand(io: Io): Command {
  return new Command('crt')
    .summary('sign a certificate request with a CA')
    .description(
      'Sign the CSR in --csr with the CA whose files are CA.crt and CA.key (--ca takes the path without extension, as talosctl does). The certificate is for client authentication (ExtKeyUsage clientAuth) and keeps the roles and IPs of the request. Writes NAME.crt.',
    )
    .requiredOption('--name <name>', 'base name of the certificate file')
    .requiredOption('--ca <path>', 'CA files without extension: reads PATH.crt and PATH.key')
    .requiredOption('--csr <path>', 'PEM certificate request')
    .option('--hours <n>', 'hours from now until the certificate expires', '24')
    .option('-f, --force', 'overwrite an existing file')
    .action(async (opts: { name: string; ca: string; csr: string; hours: string; force?: boolean }) => {
      const caBase = resolve(io.cwd, opts.ca);
      const ca = parseCertificateAndKey(await read(`${caBase}.crt`), await read(`${caBase}.key`), caBase);
      const csrPath = resolve(io.cwd, opts.csr);
      const cert = await signCsr(ca, await read(csrPath), {
        extKeyUsage: ['clientAuth'],
        lifetimeMs: hoursToMs(opts.hours, '--hours'),
      });
      await writeGenFiles(io, [{ name: `${opts.name}.crt`, data: cert.pem }], { force: opts.force === true });
    });
}

async function read(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`failed to read ${path}`, { cause: err });
  }
}
