// Streams of byte chunks from every node (logs, kernel log, files) printed as `NODE: line`.
import type { NodeClient, NodeResult } from '@bronze/machinery';
import type { Io } from '../io.ts';
import { LinePrefixer } from '../output/line-prefixer.ts';
import { failIfAny, printNodeError } from '../output/node-errors.ts';

/** Prints every node's lines as they come and each failing node's error; exit 1 if any failed. */
export async function printLineStreams(
  client: NodeClient,
  io: Io,
  stream: AsyncIterable<NodeResult<{ bytes: Uint8Array }>>,
): Promise<void> {
  const lines = new LinePrefixer(io.out);
  const failed = new Set<string>();
  for await (const item of stream) {
    if (item.ok) lines.push(item.node, item.value.bytes);
    else {
      failed.add(item.node);
      printNodeError(io, item.node, item.error);
    }
  }
  lines.flush();
  failIfAny(failed.size, client.targets.length);
}
