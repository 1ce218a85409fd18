import { Command } from 'commander';
import { certificatePublicKeyHash, createSelfSignedCa, encodeCertificateAndKey } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { hoursToMs, writeGenFiles } from './gen-files.ts';

export function genCaCommand(io: Io): Command {
  return new Command('ca')
    .summary('generate a self-signed X.509 certificate authority')
    .description(
      'Generate a self-signed CA (Ed25519, or RSA with --rsa) whose Organization is --organization. Writes ORGANIZATION.crt, ORGANIZATION.key and ORGANIZATION.sha256 (the sha256 of its public key) in the current directory, mode 0600.',
    )
    .requiredOption('--organization <name>', 'X.509 Organization of the CA (also the file name)')
    .option('--hours <n>', 'hours from now until the CA expires', '87600')
    .option('--rsa', 'generate an RSA key instead of Ed25519')
    .option('-f, --force', 'overwrite existing files')
    .action(async (opts: { organization: string; hours: string; rsa?: boolean; force?: boolean }) => {
      const ca = await createSelfSignedCa({
        algorithm: opts.rsa === true ? 'rsa' : 'ed25519',
        organizations: [opts.organization],
        lifetimeMs: hoursToMs(opts.hours, '--hours'),
      });
      const pem = encodeCertificateAndKey(ca);
      await writeGenFiles(
        io,
        [
          { name: `${opts.organization}.crt`, data: pem.crt },
          { name: `${opts.organization}.sha256`, data: certificatePublicKeyHash(ca.certificate) },
          { name: `${opts.organization}.key`, data: pem.key },
        ],
        { force: opts.force === true },
      );
    });
}
