// Reboot, Shutdown, Reset and ApplyConfiguration: each is accepted, answered, and then carried out
// by the daemon's lifecycle queue (so the reply reaches the caller before the services go down).
import { ApiError, type HandlersOf, type machineApi } from '@bronze/machinery';
import { PartitionLabels } from '../machined/wipe.ts';
import { applyRequest, modeNumber } from './apply-request.ts';
import { replyMetadata } from './info-handlers.ts';
import type { NodeApi } from './node-api.ts';

type Handlers = HandlersOf<typeof machineApi.MachineService>;

export function wipeLabels(specs: readonly machineApi.ResetPartitionSpec[]): string[] {
  const labels = specs.filter((s) => s.wipe).map((s) => s.label);
  const unknown = labels.filter((l) => !(PartitionLabels as readonly string[]).includes(l));
  if (unknown.length > 0) {
    throw new ApiError(
      'invalid-argument',
      `cannot wipe ${unknown.join(', ')}: this platform has the system partitions ${PartitionLabels.join(', ')}`,
    );
  }
  return labels;
}

export function lifecycleHandlers(node: NodeApi): Handlers {
  return {
    reboot: () => {
      if (node.platform.name === 'container') {
        throw new ApiError(
          'unimplemented',
          'reboot is not supported on the container platform: restart the node container instead (its state is kept)',
        );
      }
      const metadata = replyMetadata(node);
      return { messages: [{ metadata, actorId: node.reboot() }] };
    },
    upgrade: () => {
      throw new ApiError(
        'unimplemented',
        `upgrade is not supported on the ${node.platform.name} platform: ` +
          (node.platform.name === 'container'
            ? 'run the new image in place of the node container'
            : 'restart the node with the new build'),
      );
    },
    shutdown: () => {
      const metadata = replyMetadata(node);
      return { messages: [{ metadata, actorId: node.shutdown() }] };
    },
    reset: (req) => {
      if (req.userDisksToWipe.length > 0) {
        throw new ApiError('invalid-argument', 'the process platform has no user disks to wipe; drop userDisksToWipe');
      }
      const metadata = replyMetadata(node);
      return {
        messages: [
          { metadata, actorId: node.reset({ wipe: wipeLabels(req.systemPartitionsToWipe), reboot: req.reboot }) },
        ],
      };
    },
    applyConfiguration: async (req, ctx) => {
      const metadata = replyMetadata(node);
      const result = await node.applyConfiguration(applyRequest(req, ctx.metadata));
      return {
        messages: [{ metadata, warnings: result.warnings, mode: modeNumber(result.mode), modeDetails: result.details }],
      };
    },
  };
}
