// A fake node that serves its MachineConfig through COSI Get and records every ApplyConfiguration:
// what osctl edit and patch talk to.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { ApiError, timestampFromDate } from '@bronze/machinery';
import { startFakeNode, type FakeNode } from './fake-node.ts';

const created = timestampFromDate(new Date('2026-01-01T00:00:00Z'));
export const running = '# generated\nversion: v1alpha1\nmachine:\n  type: worker\n  network:\n    hostname: h0\n';

interface Seen {
  applied: { text: string; mode: number; dryRun: boolean; untilHealthy: string[] }[];
}

export async function liveConfigNode(
  t: TestContext,
  options: { refuseFirst?: boolean } = {},
): Promise<{ node: FakeNode; seen: Seen }> {
  const seen: Seen = { applied: [] };
  const node = await startFakeNode(t, {
    state: {
      get: (req) => {
        assert.equal(req.type, 'MachineConfigs.config.talos.dev');
        return {
          resource: {
            metadata: { namespace: 'config', type: req.type, id: 'v1alpha1', version: '3', created, updated: created },
            spec: { yamlSpec: running },
          },
        };
      },
    },
    machine: {
      applyConfiguration: (req, ctx) => {
        const text = Buffer.from(req.data).toString();
        seen.applied.push({
          text,
          mode: req.mode,
          dryRun: req.dryRun,
          untilHealthy: ctx.metadata.get('bronze-until-healthy').map(String),
        });
        if (options.refuseFirst === true && seen.applied.length === 1) {
          throw new ApiError('invalid-argument', 'the config is not valid:\nmachine.type: banana is not a type');
        }
        return { messages: [{ modeDetails: 'Applied configuration without a reboot', warnings: [] }] };
      },
    },
  });
  return { node, seen };
}
