// Wire-level edits of replies that apid merges from several nodes (the older `nodes` fan-out). apid
// never decodes a reply: it appends an encoded `common.Metadata` to each element of `messages`
// (field 1) of a unary reply, or to each streamed message. Protobuf merges a repeated embedded
// field, so the appended `metadata { hostname }` joins whatever metadata the node already wrote.
import { commonApi, createMessage, messageToBinary } from '@bronze/machinery';

const MetadataField = 1;
const LengthDelimited = 2;

export interface ReplyMetadata {
  hostname: string;
  /** Why the call to this node failed; with `code`, it becomes `metadata.status` too. */
  error?: string;
  code?: number;
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** `field N, length-delimited` followed by `payload`. */
function lengthDelimited(field: number, payload: Uint8Array): Buffer {
  return Buffer.concat([varint((field << 3) | LengthDelimited), varint(payload.length), payload]);
}

/** `common.Metadata` as bytes. */
export function encodeReplyMetadata(meta: ReplyMetadata): Buffer {
  const message = createMessage(commonApi.MetadataSchema, {
    hostname: meta.hostname,
    error: meta.error ?? '',
    ...(meta.error === undefined ? {} : { status: { code: meta.code ?? 2, message: meta.error } }),
  });
  const bytes = messageToBinary(commonApi.MetadataSchema, message);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A streamed message with `metadata` (field 1) appended: what the fan-out sends for each item. */
export function appendMetadata(message: Buffer, metadata: Buffer): Buffer {
  return Buffer.concat([message, lengthDelimited(MetadataField, metadata)]);
}

/** A unary reply `{ messages: [ { metadata } ] }` that says only that this node failed. */
export function errorReply(metadata: Buffer): Buffer {
  return lengthDelimited(1, lengthDelimited(MetadataField, metadata));
}

function readVarint(buf: Buffer, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buf.length && i < at + 10; i++) {
    const byte = buf[i] ?? 0;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, i + 1];
    scale *= 128;
  }
  throw new RangeError(`truncated varint at byte ${at}`);
}

/** The end of the field whose value starts at `at`, for wire type `type`. */
function skipValue(buf: Buffer, at: number, type: number): number {
  switch (type) {
    case 0:
      return readVarint(buf, at)[1];
    case 1:
      return at + 8;
    case LengthDelimited: {
      const [length, start] = readVarint(buf, at);
      return start + length;
    }
    case 5:
      return at + 4;
    default:
      throw new RangeError(`unsupported wire type ${type} at byte ${at}`);
  }
}

/**
 * A unary multi-node reply with `metadata` appended to every element of `messages` (field 1); other
 * fields are kept as they are. Throws a RangeError on bytes that are not a protobuf message.
 */
export function appendMetadataToMessages(reply: Buffer, metadata: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < reply.length) {
    const [tag, valueAt] = readVarint(reply, at);
    const field = Math.floor(tag / 8);
    const type = tag & 7;
    const end = skipValue(reply, valueAt, type);
    if (end > reply.length) throw new RangeError(`field ${field} runs past the end of the reply`);
    if (field === 1 && type === LengthDelimited) {
      const [, start] = readVarint(reply, valueAt);
      parts.push(lengthDelimited(1, appendMetadata(reply.subarray(start, end), metadata)));
    } else {
      parts.push(reply.subarray(at, end));
    }
    at = end;
  }
  return Buffer.concat(parts);
}
