import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createLogger, logfmt, nullLogger, type LogSink } from './logger.ts';
import { Redacted } from './redact.ts';

function collect(): LogSink & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (line: string) => lines.push(line) };
}
const now = (): Date => new Date('2026-01-02T03:04:05.000Z');

test('secrets never reach the log, at any depth and in child fields', () => {
  const sink = collect();
  const log = createLogger({ sink, now }).child({ service: 'apid', apiToken: 't0ps3cret' });
  log.info('loaded', {
    password: 'hunter2',
    config: { machine: { token: 'abc.def', ca: { crt: 'CERT', key: 'KEY' } }, list: [{ secretKey: 's' }] },
    pem: 'x -----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY----- y',
  });
  const text = sink.lines.join('');
  for (const secret of ['t0ps3cret', 'hunter2', 'abc.def', 'KEY"', 'AAAA', '"s"']) {
    assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  }
  const rec = JSON.parse(sink.lines[0]!) as Record<string, unknown>;
  assert.equal(rec['password'], Redacted);
  assert.equal(rec['apiToken'], Redacted);
  assert.deepEqual((rec['config'] as { machine: { ca: unknown } }).machine.ca, { crt: 'CERT', key: Redacted });
  assert.equal(rec['pem'], `x ${Redacted} y`);
});

test('errors, cycles, bigints and buffers are logged safely', () => {
  const sink = collect();
  const cyc: Record<string, unknown> = { a: 1 };
  cyc['self'] = cyc;
  const err = new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ENOENT' }) });
  createLogger({ sink, now }).error('boom', { err, cyc, n: 10n, buf: Buffer.from('xyz') });
  const rec = JSON.parse(sink.lines[0]!) as Record<string, unknown>;
  assert.deepEqual(rec['err'], {
    name: 'Error',
    message: 'outer',
    cause: { name: 'Error', message: 'inner', code: 'ENOENT' },
  });
  assert.deepEqual(rec['cyc'], { a: 1, self: '[cycle]' });
  assert.equal(rec['n'], '10');
  assert.equal(rec['buf'], '[3 bytes]');
});

test('levels below the threshold are dropped', () => {
  const sink = collect();
  const log = createLogger({ sink, level: 'warn', now });
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  assert.deepEqual(
    sink.lines.map((l) => (JSON.parse(l) as { msg: string }).msg),
    ['w', 'e'],
  );
  assert.equal(log.child({}).level, 'warn');
});

test('json lines carry time, level, message and fields, one per line', () => {
  const sink = collect();
  createLogger({ sink, now }).child({ service: 'etcd' }).info('started', { pid: 42 });
  assert.equal(
    sink.lines[0],
    '{"ts":"2026-01-02T03:04:05.000Z","level":"info","msg":"started","service":"etcd","pid":42}\n',
  );
});

test('logfmt quotes what needs quoting', () => {
  const sink = collect();
  createLogger({ sink, now, format: 'logfmt' }).warn('health check failed', { service: 'kubelet', code: 3, ok: false });
  assert.equal(
    sink.lines[0],
    'ts=2026-01-02T03:04:05.000Z level=warn msg="health check failed" service=kubelet code=3 ok=false\n',
  );
  assert.equal(logfmt({ a: 'x=y', b: { c: 1 }, d: undefined, e: '' }), 'a="x=y" b="{\\"c\\":1}" e=""');
});

test('the null logger drops everything', () => {
  const log = nullLogger();
  log.error('nothing');
  assert.equal(log.child({ a: 1 }), log);
});

test('property: a value under a secret-named field never appears in the output', () => {
  const secretKey = fc.constantFrom(
    'key',
    'privateKey',
    'token',
    'bootstrapToken',
    'secret',
    'aescbcEncryptionSecret',
    'password',
    'PASSWORD',
  );
  const marker = 'S3CR3T-VALUE';
  const tree: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.string(),
      fc.integer(),
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(
        fc
          .string({ maxLength: 6 })
          .filter((k) => !/key|token|secret|passw|credential|private|cookie|authorization/i.test(k)),
        tie('node'),
        { maxKeys: 3 },
      ),
      secretKey.map((k) => ({ [k]: marker })),
    ),
  })).node;
  fc.assert(
    fc.property(tree, fc.constantFrom('json' as const, 'logfmt' as const), (value, format) => {
      const sink = collect();
      createLogger({ sink, now, format }).info('m', { value });
      assert.ok(!sink.lines.join('').includes(marker));
    }),
  );
});

test('a broken sink never fails the caller', () => {
  const log = createLogger({
    sink: {
      write: () => {
        throw new Error('EPIPE');
      },
    },
  });
  assert.doesNotThrow(() => {
    log.error('lost');
  });
});
