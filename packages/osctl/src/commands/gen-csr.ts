import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { Role, createCsr, isRolesError, parsePrivateKeyPem, parseRolesStrict } from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { collect, writeGenFiles } from './gen-files.ts';

export function genCsrCommand(io: Io): Command {
  return new Command('csr')
    .summary('generate a certificate signing request for a private key')
    .description(
      'Generate a CSR for the key in --key, for the IP address --ip, with the roles --roles as its Organization. Writes KEY.csr next to the key (KEY is the key file without its extension).\n' +
        `Roles: ${Object.values(Role).join(', ')}.`,
    )
    .requiredOption('--key <path>', 'PEM private key (Ed25519, ECDSA or RSA)')
    .requiredOption('--ip <address>', 'IP address the certificate is for')
    .option('--roles <roles>', 'roles, repeatable or comma-separated (default os:admin)', collect)
    .option('-f, --force', 'overwrite an existing file')
    .action(async (opts: { key: string; ip: string; roles?: string[]; force?: boolean }) => {
      if (isIP(opts.ip) === 0) throw new UsageError(`--ip ${JSON.stringify(opts.ip)} is not an IP address`);
      let roles: string[];
      try {
        roles = parseRolesStrict(opts.roles ?? [Role.admin]);
      } catch (err) {
        if (isRolesError(err)) throw new UsageError(err.message);
        throw err;
      }
      const keyPath = resolve(io.cwd, opts.key);
      const key = parsePrivateKeyPem(await readKey(keyPath), keyPath);
      const csr = await createCsr(key, { organizations: roles, ipAddresses: [opts.ip] });
      await writeGenFiles(io, [{ name: keyPath.replace(/\.[^./]*$/, '') + '.csr', data: csr }], {
        force: opts.force === true,
      });
    });
}

async function readKey(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`failed to read key ${path}`, { cause: err });
  }
}
