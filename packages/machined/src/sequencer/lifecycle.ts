// The node's lifecycle sequences over the supervisor: boot starts the services (after whatever
// phases the daemon puts first), and shutdown, reboot and reset stop them all in reverse dependency
// order before the platform's action. What reboot, shutdown and wipe mean is the platform's
// (the process platform exits or restarts its own process; metal calls the kernel).
import type { Supervisor } from '../services/supervisor.ts';
import { phase, task, type Phase, type Sequence } from './sequence.ts';

export interface LifecycleActions {
  reboot(signal: AbortSignal): Promise<void>;
  shutdown(signal: AbortSignal): Promise<void>;
  /** Erases the node's state (reset). */
  wipe(signal: AbortSignal): Promise<void>;
}

export interface LifecycleOptions {
  supervisor: Supervisor;
  actions: LifecycleActions;
  /** Phases of boot before the services start: load config, mount, ... */
  bootPhases?: readonly Phase[];
  /** Services boot waits for (Running and healthy) before it ends; none unless told. */
  waitUp?: readonly string[];
}

export interface LifecycleSequences {
  boot: Sequence;
  shutdown: Sequence;
  reboot: Sequence;
  reset(options: { reboot: boolean }): Sequence;
}

export function lifecycleSequences(options: LifecycleOptions): LifecycleSequences {
  const { supervisor, actions } = options;
  const waitUp = options.waitUp ?? [];
  const stopServices = phase(
    'stopServices',
    task('stopAllServices', ({ signal }) => supervisor.stopAll({ signal })),
  );
  const boot: Sequence = {
    name: 'boot',
    phases: [
      ...(options.bootPhases ?? []),
      phase(
        'startServices',
        task('startAllServices', () => {
          supervisor.startAll();
          return Promise.resolve();
        }),
      ),
      ...(waitUp.length === 0
        ? []
        : [
            phase(
              'waitServices',
              ...waitUp.map((id) =>
                task(`waitUp:${id}`, async ({ signal }) => {
                  await supervisor.waitUp(id, { signal });
                }),
              ),
            ),
          ]),
    ],
  };
  return {
    boot,
    shutdown: {
      name: 'shutdown',
      phases: [
        stopServices,
        phase(
          'shutdown',
          task('shutdown', ({ signal }) => actions.shutdown(signal)),
        ),
      ],
    },
    reboot: {
      name: 'reboot',
      phases: [
        stopServices,
        phase(
          'reboot',
          task('reboot', ({ signal }) => actions.reboot(signal)),
        ),
      ],
    },
    reset: ({ reboot }) => ({
      name: 'reset',
      phases: [
        stopServices,
        phase(
          'reset',
          task('wipe', ({ signal }) => actions.wipe(signal)),
        ),
        reboot
          ? phase(
              'reboot',
              task('reboot', ({ signal }) => actions.reboot(signal)),
            )
          : phase(
              'shutdown',
              task('shutdown', ({ signal }) => actions.shutdown(signal)),
            ),
      ],
    }),
  };
}
