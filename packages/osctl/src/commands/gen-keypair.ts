import { Command } from 'commander';
import { isIP } from 'node:net';
import { createSelfSignedCa, encodeCertificateAndKey } from '@bronze/machinery';
import { UsageError, type Io } from '../io.ts';
import { writeGenFiles } from './gen-files.ts';

export function genKeypairCommand(io: Io): Command {
  return new Command('keypair')
    .summary('generate a self-signed Ed25519 certificate and key')
    .description(
      'Generate a self-signed Ed25519 certificate (a CA) with Organization --organization and, with --ip, that IP address as a SAN. Writes ORGANIZATION.crt and ORGANIZATION.key (0600).',
    )
    .requiredOption('--organization <name>', 'X.509 Organization (also the file name)')
    .option('--ip <address>', 'IP address to put in the certificate')
    .option('-f, --force', 'overwrite existing files')
    .action(async (opts: { organization: string; ip?: string; force?: boolean }) => {
      if (opts.ip !== undefined && isIP(opts.ip) === 0) {
        throw new UsageError(`--ip ${JSON.stringify(opts.ip)} is not an IP address`);
      }
      const pair = await createSelfSignedCa({
        organizations: [opts.organization],
        ...(opts.ip === undefined ? {} : { ipAddresses: [opts.ip] }),
      });
      const pem = encodeCertificateAndKey(pair);
      await writeGenFiles(
        io,
        [
          { name: `${opts.organization}.crt`, data: pem.crt },
          { name: `${opts.organization}.key`, data: pem.key },
        ],
        { force: opts.force === true },
      );
    });
}
