import { Command } from 'commander';
import type { Io } from '../io.ts';
import { Group } from '../groups.ts';
import { imageBuildCommand } from './image-build.ts';
import { imageComponentsCommand } from './image-components.ts';
import { imageSignCommand } from './image-sign.ts';
import { imageVerifyCommand } from './image-verify.ts';

export function imageCommand(io: Io): Command {
  return new Command('image')
    .summary('build, sign and verify node images')
    .description(
      'The node image: a read-only root file system (SquashFS) with Node, machined/apid/trustd, etcd, containerd, runc and the CNI plugins and nothing else, plus the same tree as an OCI image for the container platform. Images are signed with an Ed25519 key you control (osctl gen key).',
    )
    .helpGroup(Group.Image)
    .addCommand(imageBuildCommand(io))
    .addCommand(imageSignCommand(io))
    .addCommand(imageVerifyCommand(io))
    .addCommand(imageComponentsCommand(io));
}
