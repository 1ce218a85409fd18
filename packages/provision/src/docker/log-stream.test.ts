import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { demultiplex, LogDecoder, multiplex, type LogFrame } from './log-stream.ts';

void test('a stream that is not multiplexed (a TTY container) is refused, naming the byte', () => {
  assert.throws(() => new LogDecoder().push(Buffer.from('hello, world\n')), /log stream byte 104 is not 0, 1 or 2/);
});

void test('an unfinished frame is held back and reported as leftover', () => {
  const decoder = new LogDecoder();
  const whole = multiplex([{ stream: 1, data: Buffer.from('abc') }]);
  assert.deepEqual(decoder.push(whole.subarray(0, 9)), []);
  assert.equal(decoder.leftover, 9);
  assert.deepEqual(
    decoder.push(whole.subarray(9)).map((f) => f.data.toString()),
    ['abc'],
  );
  assert.equal(decoder.leftover, 0);
});

void test('stdout and stderr are separated', () => {
  const body = multiplex([
    { stream: 1, data: Buffer.from('out 1\n') },
    { stream: 2, data: Buffer.from('err 1\n') },
    { stream: 1, data: Buffer.from('out 2\n') },
  ]);
  assert.deepEqual(demultiplex(body), { stdout: 'out 1\nout 2\n', stderr: 'err 1\n' });
});

void test('property: any frames, split into any chunks, decode to the same frames', () => {
  const frame = fc.record({
    stream: fc.constantFrom(0 as const, 1 as const, 2 as const),
    data: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  });
  fc.assert(
    fc.property(fc.array(frame, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 8 }), (frames, cuts) => {
      const body = multiplex(frames);
      const points = [...new Set(cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
      const decoder = new LogDecoder();
      const out: LogFrame[] = [];
      let from = 0;
      for (const p of [...points, body.length]) {
        out.push(...decoder.push(body.subarray(from, p)));
        from = p;
      }
      assert.equal(decoder.leftover, 0);
      assert.deepEqual(
        out.map((f) => [f.stream, f.data.toString('hex')]),
        frames.map((f) => [f.stream, f.data.toString('hex')]),
      );
    }),
  );
});
