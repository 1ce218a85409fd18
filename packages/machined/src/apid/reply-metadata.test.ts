import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { commonApi, machineApi, messageFromBinary, messageToBinary, createMessage } from '@bronze/machinery';
import { appendMetadata, appendMetadataToMessages, encodeReplyMetadata, errorReply } from './reply-metadata.ts';

test('bytes that are not a protobuf message are refused, not mangled', () => {
  const meta = encodeReplyMetadata({ hostname: 'n' });
  for (const bad of [
    [0x0a, 0x05, 0x01],
    [0xff],
    [0x0b],
    [0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  ]) {
    assert.throws(() => appendMetadataToMessages(Buffer.from(bad), meta), RangeError);
  }
});

test('an error reply decodes as one message carrying only the node and its error', () => {
  const reply = errorReply(encodeReplyMetadata({ hostname: '10.0.0.2', error: 'connection refused', code: 14 }));
  const decoded = messageFromBinary(machineApi.VersionResponseSchema, reply);
  const [only, ...rest] = decoded.messages;
  assert.ok(only !== undefined);
  assert.equal(rest.length, 0);
  assert.equal(only.metadata?.hostname, '10.0.0.2');
  assert.equal(only.metadata.error, 'connection refused');
  assert.equal(only.metadata.status?.code, 14);
  assert.equal(only.version, undefined);
});

test('every element of messages gains the hostname and keeps everything else', () => {
  const versions = fc.array(
    fc.record({ tag: fc.string(), os: fc.string(), hostname: fc.string(), error: fc.string() }),
    { maxLength: 6 },
  );
  fc.assert(
    fc.property(versions, fc.string({ minLength: 1 }), (items, node) => {
      const original = createMessage(machineApi.VersionResponseSchema, {
        messages: items.map((v) => ({
          metadata: { hostname: v.hostname, error: v.error },
          version: { tag: v.tag, os: v.os },
        })),
      });
      const bytes = Buffer.from(messageToBinary(machineApi.VersionResponseSchema, original));
      const tagged = appendMetadataToMessages(bytes, encodeReplyMetadata({ hostname: node }));
      const decoded = messageFromBinary(machineApi.VersionResponseSchema, tagged);
      assert.equal(decoded.messages.length, items.length);
      decoded.messages.forEach((m, i) => {
        assert.equal(m.metadata?.hostname, node);
        assert.equal(m.metadata.error, items[i]?.error);
        assert.equal(m.version?.tag, items[i]?.tag);
        assert.equal(m.version?.os, items[i]?.os);
      });
    }),
  );
});

test('a streamed message gains the hostname', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ minLength: 1 }), (payload, node) => {
      const data = Buffer.from(
        messageToBinary(commonApi.DataSchema, createMessage(commonApi.DataSchema, { bytes: payload })),
      );
      const tagged = appendMetadata(data, encodeReplyMetadata({ hostname: node }));
      const decoded = messageFromBinary(commonApi.DataSchema, tagged);
      assert.deepEqual(Buffer.from(decoded.bytes), Buffer.from(payload));
      assert.equal(decoded.metadata?.hostname, node);
    }),
  );
});
