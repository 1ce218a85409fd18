import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FailureLimiter, peerHost } from './failure-limiter.ts';

test('a host is refused after too many failures in the window, and may try again once they age out', () => {
  let now = 1_000_000;
  const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 10_000, now: () => now });
  for (let i = 0; i < 3; i++) {
    assert.equal(limiter.blockedFor('10.0.0.9'), 0);
    limiter.recordFailure('10.0.0.9');
    now += 1000;
  }
  assert.equal(limiter.blockedFor('10.0.0.9'), 7000, 'until the first failure leaves the window');
  assert.equal(limiter.blockedFor('10.0.0.8'), 0, 'other hosts are not affected');
  now += 7000;
  assert.equal(limiter.blockedFor('10.0.0.9'), 0);
});

test('a success forgets the failures of its host', () => {
  const limiter = new FailureLimiter({ maxFailures: 1 });
  limiter.recordFailure('h');
  assert.ok(limiter.blockedFor('h') > 0);
  limiter.recordSuccess('h');
  assert.equal(limiter.blockedFor('h'), 0);
});

test('memory stays bounded: the least recently failing host is forgotten first', () => {
  const limiter = new FailureLimiter({ maxFailures: 1, maxHosts: 2 });
  limiter.recordFailure('a');
  limiter.recordFailure('b');
  limiter.recordFailure('c');
  assert.equal(limiter.blockedFor('a'), 0);
  assert.ok(limiter.blockedFor('b') > 0 && limiter.blockedFor('c') > 0);
});

test('peerHost strips the scheme and port of grpc-js peer strings', () => {
  assert.equal(peerHost('ipv4:127.0.0.1:50412'), '127.0.0.1');
  assert.equal(peerHost('10.5.0.3:1234'), '10.5.0.3');
  assert.equal(peerHost('ipv6:[::1]:50000'), '::1');
  assert.equal(peerHost('unix:/run/x.sock'), 'unix:/run/x.sock');
  fc.assert(
    fc.property(
      fc.ipV4(),
      fc.integer({ min: 1, max: 65535 }),
      (ip, port) => peerHost(`ipv4:${ip}:${String(port)}`) === ip,
    ),
  );
});
