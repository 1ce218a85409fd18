// The per-node checks: apid answers, the boot sequence finished, every service is healthy.
import { parse as parseYaml } from 'yaml';
import { replyError } from '../client/fan-out.ts';
import { callTo, onEveryNode, type CheckContext, type HealthClient } from './health-client.ts';

const MachineStatusKind = { namespace: 'runtime', type: 'MachineStatuses.runtime.talos.dev', id: 'machine' };

function allNodes(ctx: CheckContext): string[] {
  return [...ctx.controlPlanes, ...ctx.workers];
}

function firstMessage<M>(reply: { messages: M[] }, what: string): M {
  const [m] = reply.messages;
  if (m === undefined) throw new Error(`${what} returned no message`);
  const error = replyError(m);
  if (error !== undefined) throw new Error(error);
  return m;
}

/** apid to be ready: Version answers on every node. */
export async function checkApidReady(ctx: CheckContext): Promise<void> {
  await onEveryNode(allNodes(ctx), async (node) => {
    firstMessage(await ctx.client.machine.version({}, callTo(node, ctx.signal)), 'Version');
  });
}

interface MachineStatusSpec {
  stage?: string;
  status?: { ready?: boolean; unmetConditions?: { name?: string; reason?: string }[] | null };
}

/** Reads a YAML spec through COSI Get; a missing resource is an error naming it. */
export async function readSpec(
  client: HealthClient,
  kind: { namespace: string; type: string; id: string },
  options: { node: string; signal: AbortSignal },
): Promise<unknown> {
  const reply = await client.state.get(kind, callTo(options.node, options.signal));
  const yamlSpec = reply.resource?.spec?.yamlSpec;
  if (yamlSpec === undefined) throw new Error(`resource ${kind.type} ${kind.id} not found`);
  return parseYaml(yamlSpec) as unknown;
}

/** All nodes to finish boot sequence: MachineStatus stage running and ready on every node. */
export async function checkBootFinished(ctx: CheckContext): Promise<void> {
  await onEveryNode(allNodes(ctx), async (node) => {
    const spec = (await readSpec(ctx.client, MachineStatusKind, { node, signal: ctx.signal })) as MachineStatusSpec;
    const stage = spec.stage ?? 'unknown';
    if (stage !== 'running') throw new Error(`stage is ${stage}, not running`);
    if (spec.status?.ready !== true) {
      const unmet = (spec.status?.unmetConditions ?? []).map((c) => `${c.name ?? '?'} (${c.reason ?? ''})`);
      throw new Error(`not ready${unmet.length > 0 ? `: unmet conditions ${unmet.join(', ')}` : ''}`);
    }
  });
}

/** All services to be healthy: every service Running and healthy (or without a health check), or Skipped. */
export async function checkServicesHealthy(ctx: CheckContext): Promise<void> {
  await onEveryNode(allNodes(ctx), async (node) => {
    const list = firstMessage(await ctx.client.machine.serviceList({}, callTo(node, ctx.signal)), 'ServiceList');
    const bad = list.services.flatMap((s) => {
      if (s.state === 'Skipped') return [];
      if (s.state !== 'Running') return [`${s.id} is ${s.state}`];
      const h = s.health;
      if (h === undefined || h.unknown || h.healthy) return [];
      return [`${s.id} is unhealthy${h.lastMessage === '' ? '' : ` (${h.lastMessage})`}`];
    });
    if (bad.length > 0) throw new Error(`service ${bad.join(', ')}`);
  });
}
