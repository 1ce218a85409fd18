// Runtime events as rows: the payload (a google.protobuf.Any such as
// `talos/runtime/machine.ServiceStateEvent`) decoded by its message name and summarized in one line.
import { messageFromBinary, machineApi, type commonApi } from '@bronze/machinery';

/** The name of an `as const` enum value (generated enums have no reverse mapping). */
export function enumName(values: Readonly<Record<string, number>>, value: number): string {
  return Object.keys(values).find((k) => values[k] === value) ?? String(value);
}

type Any = NonNullable<machineApi.Event['data']>;

/** The message name of a payload: the type URL's last segment (`machine.PhaseEvent`). */
export function eventTypeName(data: Any | undefined): string {
  return data?.typeUrl.split('/').at(-1) ?? '';
}

function errorText(err: commonApi.Error | undefined): string {
  return err === undefined || err.message === '' ? '' : `: error: ${err.message}`;
}

/** One line that says what happened. Unknown payloads print their type only. */
export function describeEvent(data: Any | undefined): string {
  if (data === undefined) return '';
  const bytes = data.value;
  switch (eventTypeName(data)) {
    case 'machine.SequenceEvent': {
      const e = messageFromBinary(machineApi.SequenceEventSchema, bytes);
      return `${e.sequence}: ${enumName(machineApi.SequenceEvent_Action, e.action)}${errorText(e.error)}`;
    }
    case 'machine.PhaseEvent': {
      const e = messageFromBinary(machineApi.PhaseEventSchema, bytes);
      return `${e.phase}: ${enumName(machineApi.PhaseEvent_Action, e.action)}`;
    }
    case 'machine.TaskEvent': {
      const e = messageFromBinary(machineApi.TaskEventSchema, bytes);
      return `${e.task}: ${enumName(machineApi.TaskEvent_Action, e.action)}`;
    }
    case 'machine.ServiceStateEvent': {
      const e = messageFromBinary(machineApi.ServiceStateEventSchema, bytes);
      return `${e.service}: ${enumName(machineApi.ServiceStateEvent_Action, e.action)}: ${e.message}`;
    }
    case 'machine.MachineStatusEvent': {
      const e = messageFromBinary(machineApi.MachineStatusEventSchema, bytes);
      const unmet = (e.status?.unmetConditions ?? []).map((c) => `${c.name} (${c.reason})`);
      const ready = e.status?.ready === true ? 'ready' : `not ready${unmet.length > 0 ? `: ${unmet.join(', ')}` : ''}`;
      return `${enumName(machineApi.MachineStatusEvent_MachineStage, e.stage)}: ${ready}`;
    }
    case 'machine.AddressEvent': {
      const e = messageFromBinary(machineApi.AddressEventSchema, bytes);
      return `${e.hostname}: ${e.addresses.join(', ')}`;
    }
    case 'machine.ConfigLoadErrorEvent':
      return messageFromBinary(machineApi.ConfigLoadErrorEventSchema, bytes).error;
    case 'machine.ConfigValidationErrorEvent':
      return messageFromBinary(machineApi.ConfigValidationErrorEventSchema, bytes).error;
    case 'machine.RestartEvent':
      return `restart ${String(messageFromBinary(machineApi.RestartEventSchema, bytes).cmd)}`;
    default:
      return '';
  }
}
