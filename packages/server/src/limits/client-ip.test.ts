import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIp, compileTrust } from './client-ip.js';

/** A request from `remoteAddress` carrying `forwardedFor`, as a proxy chain would send it. */
function request(remoteAddress: string, forwardedFor?: string): IncomingMessage {
  return {
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  } as unknown as IncomingMessage;
}

describe('the client address a limit counts by', () => {
  it('[A4] ignores X-Forwarded-For unless TRUST_PROXY trusts the sender', () => {
    expect(clientIp(request('127.0.0.1', '203.0.113.9'), compileTrust(false))).toBe('127.0.0.1');
    expect(clientIp(request('127.0.0.1', '203.0.113.9'), compileTrust(['10.0.0.0/8']))).toBe('127.0.0.1');
  });

  it('[A4] takes the address the trusted hops forwarded, never one forged further out', () => {
    const forged = '198.51.100.7, 203.0.113.9';
    expect(clientIp(request('127.0.0.1', forged), compileTrust(1))).toBe('203.0.113.9');
    expect(clientIp(request('127.0.0.1', forged), compileTrust(['loopback']))).toBe('203.0.113.9');
    expect(clientIp(request('127.0.0.1', forged), compileTrust(true))).toBe('198.51.100.7');
  });
});
