// Runtime events as machine.Event: the payload packed in an Any of Talos's event message types.
import { anyPack, createMessage, machineApi } from '@bronze/machinery';
import { ServiceStates, type RuntimeEvent, type RuntimeEventPayload } from '../events/runtime-event.ts';

const stageNumbers: Readonly<Record<string, number>> = {
  unknown: 0,
  booting: 1,
  installing: 2,
  maintenance: 3,
  running: 4,
  rebooting: 5,
  'shutting-down': 6,
  resetting: 7,
  upgrading: 8,
};

type AnyMessage = NonNullable<machineApi.Event['data']>;

function stage(name: string): machineApi.MachineStatusEvent_MachineStage {
  return (stageNumbers[name] ?? 0) as machineApi.MachineStatusEvent_MachineStage;
}

function packPayload(p: RuntimeEventPayload): AnyMessage {
  const m = machineApi;
  switch (p.type) {
    case 'sequence':
      return anyPack(
        m.SequenceEventSchema,
        createMessage(m.SequenceEventSchema, {
          sequence: p.sequence,
          action:
            p.action === 'noop'
              ? m.SequenceEvent_Action.NOOP
              : p.action === 'start'
                ? m.SequenceEvent_Action.START
                : m.SequenceEvent_Action.STOP,
          ...(p.error === undefined ? {} : { error: { code: 0, message: p.error } }),
        }),
      );
    case 'phase':
      return anyPack(
        m.PhaseEventSchema,
        createMessage(m.PhaseEventSchema, {
          phase: p.phase,
          action: p.action === 'start' ? m.PhaseEvent_Action.START : m.PhaseEvent_Action.STOP,
        }),
      );
    case 'task':
      return anyPack(
        m.TaskEventSchema,
        createMessage(m.TaskEventSchema, {
          task: p.task,
          action: p.action === 'start' ? m.TaskEvent_Action.START : m.TaskEvent_Action.STOP,
        }),
      );
    case 'service-state':
      return anyPack(
        m.ServiceStateEventSchema,
        createMessage(m.ServiceStateEventSchema, {
          service: p.service,
          action: ServiceStates.indexOf(p.state) as machineApi.ServiceStateEvent_Action,
          message: p.message,
          health: { unknown: p.health.unknown, healthy: p.health.healthy, lastMessage: p.health.lastMessage },
        }),
      );
    case 'config-load-error':
      return anyPack(m.ConfigLoadErrorEventSchema, createMessage(m.ConfigLoadErrorEventSchema, { error: p.error }));
    case 'config-validation-error':
      return anyPack(
        m.ConfigValidationErrorEventSchema,
        createMessage(m.ConfigValidationErrorEventSchema, { error: p.error }),
      );
    case 'address':
      return anyPack(
        m.AddressEventSchema,
        createMessage(m.AddressEventSchema, { hostname: p.hostname, addresses: p.addresses }),
      );
    case 'machine-status':
      return anyPack(
        m.MachineStatusEventSchema,
        createMessage(m.MachineStatusEventSchema, {
          stage: stage(p.stage),
          status: { ready: p.ready, unmetConditions: p.unmetConditions },
        }),
      );
    case 'restart':
      return anyPack(m.RestartEventSchema, createMessage(m.RestartEventSchema, { cmd: BigInt(p.cmd) }));
  }
}

export function toWireEvent(event: RuntimeEvent, hostname: string): machineApi.Event {
  return createMessage(machineApi.EventSchema, {
    metadata: { hostname },
    data: packPayload(event.payload),
    id: event.id,
    actorId: event.actorId,
  });
}
