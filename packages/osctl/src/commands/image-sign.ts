import { stat, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { writeFilesAtomic } from '@bronze/machinery';
import { publicKeyPem, signImage, signingKey } from '@bronze/imager';
import type { Io } from '../io.ts';
import { interruptSignal } from './node-command.ts';

export function imageSignCommand(io: Io): Command {
  return new Command('sign')
    .summary('sign a node image with an Ed25519 key')
    .description(
      'Sign IMAGE (its SHA-256 and size) with the Ed25519 private key KEY and write the detached signature to IMAGE.sig (or --out). KEY is what "osctl gen key --name NAME" writes; it must not be readable by others (mode 0600). With --pub-out, also write the public key that "osctl image verify --pub" takes.',
    )
    .argument('<image>', 'the image file (rootfs.squashfs)')
    .requiredOption('--key <file>', 'Ed25519 private key (PEM)')
    .option('--out <file>', 'signature file (default: IMAGE.sig)')
    .option('--pub-out <file>', 'also write the public key (PEM) here')
    .option('-f, --force', 'overwrite existing output files')
    .action(async (image: string, opts: { key: string; out?: string; pubOut?: string; force?: boolean }) => {
      const keyPath = resolve(io.cwd, opts.key);
      const imagePath = resolve(io.cwd, image);
      const mode = (await stat(keyPath)).mode & 0o777;
      if ((mode & 0o077) !== 0)
        throw new Error(
          `${keyPath} is readable by others (mode 0${mode.toString(8)}); restrict it with: chmod 600 ${keyPath}`,
        );
      const pem = await readFile(keyPath, 'utf8');
      const { signal, release } = interruptSignal(io);
      try {
        const sig = await signImage(imagePath, signingKey(pem, keyPath), { signal });
        const sigPath = resolve(io.cwd, opts.out ?? `${image}.sig`);
        const files = [{ path: sigPath, data: `${JSON.stringify(sig, null, 2)}\n`, mode: 0o600 }];
        if (opts.pubOut !== undefined)
          files.push({ path: resolve(io.cwd, opts.pubOut), data: publicKeyPem(pem, keyPath), mode: 0o600 });
        await writeFilesAtomic(files, { force: opts.force === true, signal });
        for (const f of files) io.err(`Created ${f.path}\n`);
        io.out(`signed ${imagePath}\nsha256 ${sig.sha256}\nkey    ${sig.publicKey}\n`);
      } finally {
        release();
      }
    });
}
