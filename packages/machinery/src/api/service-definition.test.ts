import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, toBinary } from '@bufbuild/protobuf';
import fc from 'fast-check';
import { State } from './gen/cosi/state_pb.ts';
import { LogsRequestSchema, MachineService } from './gen/machine/machine_pb.ts';
import { grpcServiceDefinition, methodDefinition } from './service-definition.ts';

test('undecodable bytes throw in the deserializer (grpc-js answers them with a status)', () => {
  const logs = methodDefinition(MachineService.method.logs);
  assert.throws(() => logs.requestDeserialize(Buffer.from([0x12, 0x10, 0x61])));
});

test('paths and streaming kinds come from the descriptors', () => {
  const machine = grpcServiceDefinition(MachineService);
  assert.equal(Object.keys(machine).length, MachineService.methods.length);
  assert.equal(machine['version']?.path, '/machine.MachineService/Version');
  assert.equal(machine['cPUInfo']?.path, '/machine.MachineService/CPUInfo');
  const kinds = (name: string): [boolean, boolean] | undefined => {
    const d = machine[name];
    return d && [d.requestStream, d.responseStream];
  };
  assert.deepEqual(kinds('version'), [false, false]);
  assert.deepEqual(kinds('logs'), [false, true]);
  assert.deepEqual(kinds('etcdRecover'), [true, false]);
  const state = grpcServiceDefinition(State);
  assert.equal(state['watch']?.path, '/cosi.resource.State/Watch');
  assert.equal(state['watch'].responseStream, true);
});

test('messages and plain init objects serialize alike and round-trip', () => {
  const logs = methodDefinition(MachineService.method.logs);
  fc.assert(
    fc.property(
      fc.string(),
      fc.string(),
      fc.boolean(),
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      (ns, id, follow, tail) => {
        const init = { namespace: ns, id, follow, tailLines: tail };
        const bytes = logs.requestSerialize(init);
        assert.deepEqual(new Uint8Array(bytes), toBinary(LogsRequestSchema, create(LogsRequestSchema, init)));
        assert.deepEqual(logs.requestDeserialize(bytes), create(LogsRequestSchema, init));
      },
    ),
  );
});
