// Sequences (boot, shutdown, reboot, reset): ordered phases, each a set of tasks that run in
// parallel. A sequence is data; the Sequencer runs it and reports every step as events.
import type { Logger } from '../log/logger.ts';

export interface TaskContext {
  /** Aborts when the sequence is cancelled, taken over, or a sibling task of the phase fails. */
  signal: AbortSignal;
  logger: Logger;
}

export interface Task {
  readonly name: string;
  run(ctx: TaskContext): Promise<void>;
}

export interface Phase {
  readonly name: string;
  readonly tasks: readonly Task[];
}

export interface Sequence {
  /** `boot`, `shutdown`, `reboot`, `reset`, ... */
  readonly name: string;
  readonly phases: readonly Phase[];
}

export function task(name: string, run: (ctx: TaskContext) => Promise<void>): Task {
  return { name, run };
}

export function phase(name: string, ...tasks: Task[]): Phase {
  return { name, tasks };
}

/** Problems that make a sequence unrunnable: empty names, duplicate phase or task names. */
export function checkSequence(seq: Sequence): string[] {
  const problems: string[] = [];
  if (seq.name === '') problems.push('sequence has no name');
  const phases = new Set<string>();
  seq.phases.forEach((p, i) => {
    if (p.name === '') problems.push(`phase ${i} of sequence "${seq.name}" has no name`);
    if (phases.has(p.name)) problems.push(`phase "${p.name}" appears twice in sequence "${seq.name}"`);
    phases.add(p.name);
    const tasks = new Set<string>();
    for (const t of p.tasks) {
      if (t.name === '') problems.push(`a task of phase "${p.name}" has no name`);
      if (tasks.has(t.name)) problems.push(`task "${t.name}" appears twice in phase "${p.name}"`);
      tasks.add(t.name);
    }
  });
  return problems;
}
