// The older one-to-many routing (`nodes` metadata): the call goes to every listed node's apid at once
// and the replies are merged. Unary replies are concatenated (each node's `messages` gain
// `metadata { hostname }`); a node that fails contributes one message with `metadata { hostname,
// error }`, so a partial failure is still a successful call. Streams interleave the nodes' messages,
// each tagged with its hostname, and a failing node adds one error message.
import { Metadata, status } from '@grpc/grpc-js';
import type { Client, ServerUnaryCall, ServerWritableStream, StatusObject, sendUnaryData } from '@grpc/grpc-js';
import { apiErrorFromStatus, serverStatusOf } from '@bronze/machinery';
import { finishStream, pipeDown, raw } from './forward.ts';
import { appendMetadata, appendMetadataToMessages, encodeReplyMetadata, errorReply } from './reply-metadata.ts';

export interface FanOutTarget {
  /** The channel to each node's apid (or the error that prevented opening one). */
  channelOf: (node: string) => Client;
  nodes: readonly string[];
  path: string;
  metadata: Metadata;
}

function failureOf(node: string, err: unknown): Buffer {
  const s = serverStatusOf(err);
  return encodeReplyMetadata({ hostname: node, error: s.details, code: s.code });
}

function unaryOne(
  call: ServerUnaryCall<Buffer, Buffer>,
  target: FanOutTarget,
  node: string,
  cancels: (() => void)[],
): Promise<Buffer> {
  return new Promise((resolve) => {
    try {
      const upstream = target
        .channelOf(node)
        .makeUnaryRequest(
          target.path,
          raw,
          raw,
          call.request,
          target.metadata,
          { deadline: call.getDeadline() },
          (err, value) => {
            if (err !== null) {
              resolve(errorReply(failureOf(node, err)));
              return;
            }
            try {
              resolve(appendMetadataToMessages(value ?? Buffer.alloc(0), encodeReplyMetadata({ hostname: node })));
            } catch (decodeErr) {
              resolve(errorReply(failureOf(node, decodeErr)));
            }
          },
        );
      cancels.push(() => {
        upstream.cancel();
      });
    } catch (err) {
      resolve(errorReply(failureOf(node, err)));
    }
  });
}

export function fanOutUnary(
  call: ServerUnaryCall<Buffer, Buffer>,
  callback: sendUnaryData<Buffer>,
  target: FanOutTarget,
): void {
  const cancels: (() => void)[] = [];
  call.on('cancelled', () => {
    for (const cancel of cancels) cancel();
  });
  void Promise.all(target.nodes.map((node) => unaryOne(call, target, node, cancels))).then((replies) => {
    if (call.cancelled) return;
    callback(null, Buffer.concat(replies));
  });
}

function streamOne(call: ServerWritableStream<Buffer, Buffer>, target: FanOutTarget, node: string): Promise<void> {
  const tag = encodeReplyMetadata({ hostname: node });
  let upstream;
  try {
    upstream = target.channelOf(node).makeServerStreamRequest(target.path, raw, raw, call.request, target.metadata, {
      deadline: call.getDeadline(),
    });
  } catch (err) {
    call.write(appendMetadata(Buffer.alloc(0), failureOf(node, err)));
    return Promise.resolve();
  }
  const opened = upstream;
  call.on('cancelled', () => {
    opened.cancel();
  });
  return pipeDown(opened, call, (message) => appendMetadata(message, tag)).then((final: StatusObject) => {
    if (final.code === status.OK || call.cancelled) return;
    const err = apiErrorFromStatus(final, target.path);
    call.write(appendMetadata(Buffer.alloc(0), failureOf(node, err)));
  });
}

export function fanOutServerStream(call: ServerWritableStream<Buffer, Buffer>, target: FanOutTarget): void {
  void Promise.all(target.nodes.map((node) => streamOne(call, target, node))).then(() => {
    finishStream(call, { code: status.OK, details: '', metadata: new Metadata() });
  });
}
