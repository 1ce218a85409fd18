// Runs a sequence (boot, shutdown, reboot, reset) as phases of parallel tasks and publishes
// Sequence/Phase/Task start and stop events with durations and errors. A failed task fails its phase
// and ends the sequence. (A stand-in until src/sequencer exports its runner.)
import type { EventPublisher } from '../events/runtime-event.ts';

export interface SequenceTask {
  name: string;
  run(signal: AbortSignal): Promise<void>;
}

export interface SequencePhase {
  name: string;
  tasks: readonly SequenceTask[];
}

export interface RunSequenceOptions {
  events: EventPublisher;
  actorId?: string;
  signal: AbortSignal;
}

export async function runSequence(
  sequence: string,
  phases: readonly SequencePhase[],
  options: RunSequenceOptions,
): Promise<void> {
  const { events, signal } = options;
  const actor = options.actorId === undefined ? {} : { actorId: options.actorId };
  const started = performance.now();
  events.publish({ type: 'sequence', sequence, action: 'start' }, actor);
  try {
    for (const phase of phases) {
      const phaseStart = performance.now();
      events.publish({ type: 'phase', sequence, phase: phase.name, action: 'start' }, actor);
      try {
        await Promise.all(phase.tasks.map((task) => runTask(sequence, phase.name, task, options)));
      } catch (err) {
        events.publish(
          {
            type: 'phase',
            sequence,
            phase: phase.name,
            action: 'stop',
            durationMs: since(phaseStart),
            error: messageOf(err),
          },
          actor,
        );
        throw err;
      }
      events.publish(
        { type: 'phase', sequence, phase: phase.name, action: 'stop', durationMs: since(phaseStart) },
        actor,
      );
      signal.throwIfAborted();
    }
  } catch (err) {
    events.publish(
      { type: 'sequence', sequence, action: 'stop', durationMs: since(started), error: messageOf(err) },
      actor,
    );
    throw err;
  }
  events.publish({ type: 'sequence', sequence, action: 'stop', durationMs: since(started) }, actor);
}

async function runTask(
  sequence: string,
  phase: string,
  task: SequenceTask,
  options: RunSequenceOptions,
): Promise<void> {
  const { events, signal } = options;
  const actor = options.actorId === undefined ? {} : { actorId: options.actorId };
  const start = performance.now();
  events.publish({ type: 'task', sequence, phase, task: task.name, action: 'start' }, actor);
  try {
    await task.run(signal);
  } catch (err) {
    events.publish(
      {
        type: 'task',
        sequence,
        phase,
        task: task.name,
        action: 'stop',
        durationMs: since(start),
        error: messageOf(err),
      },
      actor,
    );
    throw new Error(`${sequence}: phase ${phase}: task ${task.name} failed`, { cause: err });
  }
  events.publish({ type: 'task', sequence, phase, task: task.name, action: 'stop', durationMs: since(start) }, actor);
}

function since(start: number): number {
  return Math.round(performance.now() - start);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
