import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Problem } from './builder.ts';
import { base64Bytes, cidr, dnsName, duration, hostPort, ip, san, subnetFilter, token, url } from './formats.ts';

function msg(p: Problem | undefined): string {
  return typeof p === 'string' ? p : (p?.warning ?? '');
}

test('cidr rejects bare addresses, bad prefixes and garbage, and names the fix', () => {
  assert.match(msg(cidr('10.0.0.1')), /add a prefix length/);
  assert.match(msg(cidr('10.0.0.1/33')), /0 to 32/);
  assert.match(msg(cidr('fd00::/129')), /0 to 128/);
  assert.match(msg(cidr('10.0.0/8')), /not an IP address/);
  assert.match(msg(cidr('10.0.0.0/x')), /prefix length/);
  assert.equal(cidr('10.0.0.0/8'), undefined);
  assert.equal(cidr('fd00::/64'), undefined);
  assert.equal(subnetFilter('!10.0.0.3/32'), undefined);
});

test('url requires the scheme and, when asked, a port', () => {
  const endpoint = url(['https'], { port: true });
  assert.match(msg(endpoint('http://10.0.0.1:6443')), /must be https/);
  assert.match(msg(endpoint('https://10.0.0.1')), /explicit port/);
  assert.match(msg(endpoint('10.0.0.1:6443')), /scheme|URL/);
  assert.match(msg(endpoint('not a url')), /not a URL/);
  assert.equal(endpoint('https://10.0.0.1:6443'), undefined);
  assert.equal(endpoint('https://[fd00::1]:6443'), undefined);
  assert.equal(endpoint('https://cp.example.com:443'), undefined);
});

test('tokens have six and sixteen lowercase characters', () => {
  assert.equal(token('abcdef.0123456789abcdef'), undefined);
  for (const bad of [
    'ABCDEF.0123456789abcdef',
    'abcde.0123456789abcdef',
    'abcdef0123456789abcdef',
    'abcdef.0123456789abcde',
    '',
  ]) {
    assert.match(msg(token(bad)), /not a valid token/, bad);
  }
});

test('durations, base64 sizes, names, addresses', () => {
  assert.equal(duration('1h30m'), undefined);
  assert.equal(duration('500ms'), undefined);
  assert.match(msg(duration('10 seconds')), /Go duration/);
  assert.equal(base64Bytes(32)(Buffer.alloc(32).toString('base64')), undefined);
  assert.match(msg(base64Bytes(32)(Buffer.alloc(16).toString('base64'))), /32 bytes, got 16/);
  assert.match(msg(base64Bytes(32)('not base64!')), /not valid base64/);
  assert.equal(dnsName('node-1.example.com'), undefined);
  assert.match(msg(dnsName('bad_name')), /DNS name/);
  assert.equal(ip('fd00::1'), undefined);
  assert.match(msg(ip('300.1.1.1')), /not an IP/);
  assert.equal(san('*.example.com'), undefined);
  assert.equal(hostPort('[fd00::1]:50000'), undefined);
  assert.match(msg(hostPort('host:99999')), /host:port/);
});
