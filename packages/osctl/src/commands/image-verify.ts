import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { parseSignature, verifyImage, verifyKey } from '@bronze/imager';
import type { Io } from '../io.ts';
import { interruptSignal } from './node-command.ts';

export function imageVerifyCommand(io: Io): Command {
  return new Command('verify')
    .summary('verify a signed node image')
    .description(
      'Check that IMAGE.sig (or --sig) is a signature by the key PUB over IMAGE as it is now. PUB is a public key PEM ("osctl image sign --pub-out") or the private key itself. Exits 1 naming what differs when the image was modified or was signed by another key.',
    )
    .argument('<image>', 'the image file (rootfs.squashfs)')
    .requiredOption('--pub <file>', 'Ed25519 public key (PEM)')
    .option('--sig <file>', 'signature file (default: IMAGE.sig)')
    .action(async (image: string, opts: { pub: string; sig?: string }) => {
      const imagePath = resolve(io.cwd, image);
      const sigPath = resolve(io.cwd, opts.sig ?? `${image}.sig`);
      const pubPath = resolve(io.cwd, opts.pub);
      const sig = parseSignature(await readFile(sigPath, 'utf8'), sigPath);
      const key = verifyKey(await readFile(pubPath, 'utf8'), pubPath);
      const { signal, release } = interruptSignal(io);
      try {
        const { sha256 } = await verifyImage(imagePath, sig, key, {
          imageName: imagePath,
          signatureName: sigPath,
          keyName: pubPath,
          signal,
        });
        io.out(`verified ${imagePath}\nsha256 ${sha256}\n`);
      } finally {
        release();
      }
    });
}
