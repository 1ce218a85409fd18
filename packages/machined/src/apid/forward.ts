// Forwarding one call to one upstream (local machined or another node's apid) as raw bytes: the
// reply, the response headers and the final status come back unchanged. Streams flow with
// backpressure both ways (a slow client pauses the upstream, a slow upstream pauses the client), and
// a client that goes away cancels the upstream call.
import type {
  Client,
  ClientReadableStream,
  ClientWritableStream,
  Metadata,
  ServerDuplexStream,
  ServerReadableStream,
  ServerUnaryCall,
  ServerWritableStream,
  StatusObject,
  sendUnaryData,
} from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { serverStatusOf } from '@bronze/machinery';

export const raw = (bytes: Buffer): Buffer => bytes;

/** How long the end of an upload waits for a cancellation that may be on its way. */
const EndSettleMs = 50;

type Cancellable = { on(event: 'cancelled', listener: () => void): unknown; getDeadline(): Date | number };

/** Cancels `upstream` when `call`'s client cancels, disconnects or runs out of time. */
function linkCancel(call: Cancellable, upstream: { cancel(): void }): () => void {
  let done = false;
  call.on('cancelled', () => {
    if (!done) upstream.cancel();
  });
  return () => {
    done = true;
  };
}

/** Response headers worth passing on (the transport's own are re-created by grpc-js). */
function passHeaders(call: { sendMetadata(md: Metadata): void }, md: Metadata): void {
  const copy = md.clone();
  for (const key of Object.keys(copy.getMap())) {
    if (key.startsWith('grpc-') || key.startsWith(':') || key === 'content-type') copy.remove(key);
  }
  call.sendMetadata(copy);
}

export function forwardUnary(
  call: ServerUnaryCall<Buffer, Buffer>,
  callback: sendUnaryData<Buffer>,
  target: { channel: Client; path: string; metadata: Metadata },
): void {
  const upstream = target.channel.makeUnaryRequest(
    target.path,
    raw,
    raw,
    call.request,
    target.metadata,
    { deadline: call.getDeadline() },
    (err, value) => {
      unlink();
      if (err !== null) callback(serverStatusOf(err));
      else callback(null, value);
    },
  );
  const unlink = linkCancel(call, upstream);
  upstream.on('metadata', (md: Metadata) => {
    passHeaders(call, md);
  });
}

/**
 * Copies `upstream`'s messages into `out` (through `map`), pausing the upstream while `out` is full.
 * Resolves with the upstream's final status once every message it sent has been written.
 */
export function pipeDown(
  upstream: ClientReadableStream<Buffer>,
  out: ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>,
  map: (message: Buffer) => Buffer = raw,
): Promise<StatusObject> {
  return new Promise((resolve) => {
    let final: StatusObject | undefined;
    let ended = false;
    upstream.on('data', (message: Buffer) => {
      if (!out.write(map(message))) {
        upstream.pause();
        out.once('drain', () => upstream.resume());
      }
    });
    upstream.on('error', () => undefined); // the status event carries it
    upstream.on('end', () => {
      ended = true;
      if (final !== undefined) resolve(final);
    });
    upstream.on('status', (s: StatusObject) => {
      final = s;
      if (ended || s.code === status.CANCELLED) resolve(s);
    });
  });
}

/** Ends a server stream with `final` as its status. */
export function finishStream(
  out: ServerWritableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>,
  final: StatusObject,
): void {
  if (out.cancelled) return;
  if (final.code === status.OK) out.end(final.metadata);
  else out.emit('error', { code: final.code, details: final.details, metadata: final.metadata });
}

export function forwardServerStream(
  call: ServerWritableStream<Buffer, Buffer>,
  target: { channel: Client; path: string; metadata: Metadata },
): void {
  const upstream = target.channel.makeServerStreamRequest(target.path, raw, raw, call.request, target.metadata, {
    deadline: call.getDeadline(),
  });
  const unlink = linkCancel(call, upstream);
  upstream.on('metadata', (md: Metadata) => {
    passHeaders(call, md);
  });
  void pipeDown(upstream, call).then((final) => {
    unlink();
    finishStream(call, final);
  });
}

/** Copies the client's messages to `upstream`, pausing the client while the upstream is full. */
function pipeUp(
  call: ServerReadableStream<Buffer, Buffer> | ServerDuplexStream<Buffer, Buffer>,
  upstream: ClientWritableStream<Buffer>,
): void {
  call.on('data', (message: Buffer) => {
    if (!upstream.write(message)) {
      call.pause();
      upstream.once('drain', () => call.resume());
    }
  });
  // grpc-js ends the request stream of a call its client reset (RST_STREAM) a few milliseconds
  // before it reports the cancellation, so a reset looks like a finished upload for a moment. Pass
  // the end on only once it was not one: a truncated upload must never reach machined as complete.
  call.on('end', () => {
    const timer = setTimeout(() => {
      if (!call.cancelled) upstream.end();
    }, EndSettleMs);
    call.once('cancelled', () => {
      clearTimeout(timer);
    });
  });
  call.on('error', () => undefined); // cancellation is handled by linkCancel
}

export function forwardClientStream(
  call: ServerReadableStream<Buffer, Buffer>,
  callback: sendUnaryData<Buffer>,
  target: { channel: Client; path: string; metadata: Metadata },
): void {
  const upstream = target.channel.makeClientStreamRequest(
    target.path,
    raw,
    raw,
    target.metadata,
    { deadline: call.getDeadline() },
    (err, value) => {
      unlink();
      if (err !== null) callback(serverStatusOf(err));
      else callback(null, value);
    },
  );
  const unlink = linkCancel(call, upstream);
  upstream.on('metadata', (md: Metadata) => {
    passHeaders(call, md);
  });
  pipeUp(call, upstream);
}

export function forwardBidiStream(
  call: ServerDuplexStream<Buffer, Buffer>,
  target: { channel: Client; path: string; metadata: Metadata },
): void {
  const upstream = target.channel.makeBidiStreamRequest(target.path, raw, raw, target.metadata, {
    deadline: call.getDeadline(),
  });
  const unlink = linkCancel(call, upstream);
  upstream.on('metadata', (md: Metadata) => {
    passHeaders(call, md);
  });
  pipeUp(call, upstream);
  void pipeDown(upstream, call).then((final) => {
    unlink();
    finishStream(call, final);
  });
}
