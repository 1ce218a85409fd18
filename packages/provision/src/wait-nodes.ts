// Waits until every node of a new cluster answers on its API, all at once; the first node that
// dies or runs out of time fails the wait with its name, its log and the log's last lines.
import { readFile } from 'node:fs/promises';
import type { TlsMaterial } from '@bronze/machinery';
import type { ClusterRecord, NodeRecord } from './cluster-record.ts';
import { isOurMachined } from './node-process.ts';
import { ProvisionError, ProvisionErrorCode } from './provision-error.ts';
import type { Progress } from './provisioner.ts';
import { waitForApi } from './wait-api.ts';

export interface WaitNodesOptions {
  tls: TlsMaterial;
  program: string;
  deadline: number;
  progress: Progress;
  signal?: AbortSignal;
}

export async function waitForNodes(record: ClusterRecord, options: WaitNodesOptions): Promise<void> {
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  options.progress(`waiting for the machine API (apid, port 50000) of ${record.nodes.length} nodes`);
  const started = Date.now();
  const pending = new Map<string, string>(record.nodes.map((n) => [n.name, 'no answer yet']));
  const report = setInterval(() => {
    const list = [...pending].slice(0, 3).map(([name, why]) => `${name}: ${why}`);
    const more = pending.size > 3 ? `; and ${pending.size - 3} more` : '';
    options.progress(
      `  still waiting for ${pending.size} of ${record.nodes.length} nodes after ${Math.round((Date.now() - started) / 1000)}s (${list.join('; ')}${more})`,
    );
  }, 5000);
  try {
    await Promise.all(
      record.nodes.map(async (node) => {
        const result = await waitForApi(node.address, {
          tls: options.tls,
          deadline: options.deadline,
          signal,
          fatal: () => exited(node, options.program),
          onWaiting: (reason) => {
            pending.set(node.name, reason);
          },
        });
        if (!result.ok) throw await nodeFailure(node, result.reason);
        pending.delete(node.name);
        options.progress(
          `  ${node.name} (${node.address}) answers: version ${result.tag} after ${(result.ms / 1000).toFixed(1)}s`,
        );
      }),
    );
  } catch (err) {
    stop.abort();
    throw err;
  } finally {
    clearInterval(report);
  }
}

async function exited(node: NodeRecord, program: string): Promise<string | undefined> {
  if (node.pid === undefined) return 'it was never started';
  return (await isOurMachined(node.pid, node.stateDir, program)) ? undefined : `machined (pid ${node.pid}) exited`;
}

async function nodeFailure(node: NodeRecord, reason: string): Promise<ProvisionError> {
  const tail = await logTail(node.logPath, 12);
  return new ProvisionError(
    ProvisionErrorCode.nodeFailed,
    `node ${node.name} (${node.address}) failed: ${reason}; its log is ${node.logPath}` +
      (tail === '' ? '' : `, ending with:\n${tail}`),
  );
}

export async function logTail(path: string, lines: number): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .map((l) => `    ${l.length > 300 ? `${l.slice(0, 300)}...` : l}`)
    .join('\n');
}
