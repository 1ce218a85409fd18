// The node's health as a health-gated try sees it: MachineStatus ready and every running service
// that has a health check healthy.
import { isNotFoundError, type State } from '@bronze/runtime';
import { MachineStatus, MachineStatusId, type MachineStatusSpec } from '../resources/runtime-resources.ts';
import type { Supervisor } from '../services/supervisor.ts';

/** Undefined when healthy, else what is not. */
export async function nodeUnhealthy(boot: { state: State; supervisor: Supervisor }): Promise<string | undefined> {
  const status = await boot.state
    .get<MachineStatusSpec>(MachineStatus.pointer(MachineStatusId))
    .catch((err: unknown) => {
      if (isNotFoundError(err)) return undefined;
      throw err;
    });
  if (status === undefined) return 'no MachineStatus yet';
  if (!status.spec.status.ready) {
    const unmet = status.spec.status.unmetConditions.map((c) => `${c.name}: ${c.reason}`).join(', ');
    return `MachineStatus is not ready (${unmet || 'no reason given'})`;
  }
  const sick = boot.supervisor
    .list()
    .filter((s) => s.state === 'Running' && !s.health.unknown && !s.health.healthy)
    .map((s) => s.id);
  return sick.length > 0 ? `services unhealthy: ${sick.join(', ')}` : undefined;
}
