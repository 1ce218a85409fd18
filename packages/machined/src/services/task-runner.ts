// A runner for work inside machined (Talos's goroutine runner): the task runs until it returns,
// throws, or its signal aborts.
import type { RunContext, RunResult, Runner } from './runner.ts';

export type ServiceTask = (ctx: { signal: AbortSignal; output: RunContext['output'] }) => Promise<void>;

export function taskRunner(name: string, task: ServiceTask): Runner {
  return {
    description: `task ${name}`,
    async run(ctx): Promise<RunResult> {
      ctx.started(`started task ${name}`);
      try {
        await task({ signal: ctx.signal, output: ctx.output });
        return { ok: true, message: ctx.signal.aborted ? `task ${name} stopped` : `task ${name} returned` };
      } catch (err) {
        if (ctx.signal.aborted) return { ok: true, message: `task ${name} stopped` };
        return { ok: false, message: `task ${name} failed: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
  };
}
