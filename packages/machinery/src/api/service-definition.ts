// The bridge from protobuf-es descriptors to grpc-js: one MethodDefinition per RPC, with the wire path
// (`/machine.MachineService/Version`), the streaming kind, and protobuf-es binary (de)serializers.
import {
  create,
  fromBinary,
  toBinary,
  type DescMessage,
  type DescMethod,
  type DescService,
  type MessageInitShape,
} from '@bufbuild/protobuf';
import type { GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/** The method table of a generated service: `MethodsOf<typeof MachineService>`. */
export type MethodsOf<S> = S extends { method: infer M extends GenServiceMethods } ? M : never;

/** 32 MiB, the largest message apid accepts and sends (Talos's limit). */
export const MaxMessageBytes = 32 * 1024 * 1024;

/** The HTTP/2 path of a method, e.g. `/machine.MachineService/Version`. */
export function methodPath(method: DescMethod): string {
  return `/${method.parent.typeName}/${method.name}`;
}

/** Accepts a message or its init shape (plain object), and encodes it. */
function serializer(schema: DescMessage): (value: object) => Buffer {
  return (value) => {
    const bytes = toBinary(schema, create(schema, value as MessageInitShape<DescMessage>));
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
}

function deserializer(schema: DescMessage): (bytes: Buffer) => object {
  return (bytes) => fromBinary(schema, bytes);
}

export function methodDefinition(method: DescMethod): MethodDefinition<object, object> {
  return {
    path: methodPath(method),
    requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
    responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
    requestSerialize: serializer(method.input),
    requestDeserialize: deserializer(method.input),
    responseSerialize: serializer(method.output),
    responseDeserialize: deserializer(method.output),
    originalName: method.localName,
  };
}

/** The grpc-js service definition of a protobuf-es service, keyed by the methods' local names. */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  return Object.fromEntries(service.methods.map((m) => [m.localName, methodDefinition(m)]));
}
