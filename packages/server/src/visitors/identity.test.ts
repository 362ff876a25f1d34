import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IDENTITY_MAX_LIFETIME_S, signIdentityToken, verifyIdentityToken } from './identity.js';

const SECRET = 'site-identity-secret-0123456789abcdef';
const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const now = NOW / 1000;

const refusal = (token: string, secret = SECRET) => {
  try {
    verifyIdentityToken(token, secret, NOW);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('identity tokens [P19]', () => {
  it('accepts a token signed with the site’s secret and reads the user', () => {
    const token = signIdentityToken(
      { sub: 'user-42', name: ' Jana Nováková ', email: 'jana@example.com', exp: now + 300 },
      SECRET,
    );
    expect(verifyIdentityToken(token, SECRET, NOW)).toEqual({
      userId: 'user-42',
      name: 'Jana Nováková',
      email: 'jana@example.com',
    });
  });

  it('refuses another secret, a changed payload, another algorithm and an unsigned token', () => {
    const token = signIdentityToken({ sub: 'user-42', exp: now + 300 }, SECRET);
    expect(refusal(token, 'another-secret')).toMatch(/bad signature/);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'admin', exp: now + 300 })).toString('base64url');
    expect(refusal(`${header}.${forged}.${signature}`)).toMatch(/bad signature/);
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: 'admin', exp: now + 300 })).toString('base64url');
    expect(refusal(`${none}.${payload}.`)).toMatch(/only HS256/);
    const hs512 = Buffer.from(JSON.stringify({ alg: 'HS512' })).toString('base64url');
    const sig512 = createHmac('sha512', SECRET).update(`${hs512}.${payload}`).digest('base64url');
    expect(refusal(`${hs512}.${payload}.${sig512}`)).toMatch(/only HS256/);
    expect(refusal('a.b')).toMatch(/not a JWT/);
  });

  it('refuses an expired token, one without exp, one not valid yet, and a bad sub', () => {
    expect(refusal(signIdentityToken({ sub: 'u', exp: now - 61 }, SECRET))).toMatch(/expired/);
    expect(refusal(signIdentityToken({ sub: 'u', exp: now - 30 }, SECRET))).toBe('accepted');
    expect(refusal(signIdentityToken({ sub: 'u' }, SECRET))).toMatch(/exp is required/);
    expect(refusal(signIdentityToken({ sub: 'u', exp: now + 60, nbf: now + 600 }, SECRET))).toMatch(/nbf/);
    expect(refusal(signIdentityToken({ sub: '', exp: now + 60 }, SECRET))).toMatch(/sub/);
    expect(refusal(signIdentityToken({ sub: 42, exp: now + 60 }, SECRET))).toMatch(/sub/);
    expect(refusal(signIdentityToken({ sub: 'u', exp: now + 60, name: 'x'.repeat(121) }, SECRET))).toMatch(
      /name/,
    );
  });

  it('refuses a token that lives longer than a day, such as one with a 10-year exp', () => {
    expect(refusal(signIdentityToken({ sub: 'u', exp: now + 10 * 365 * 86_400 }, SECRET))).toMatch(
      /more than 24 hours away/,
    );
    expect(refusal(signIdentityToken({ sub: 'u', exp: now + IDENTITY_MAX_LIFETIME_S }, SECRET))).toBe(
      'accepted',
    );
  });

  it('checks aud and iss when the site expects them', () => {
    const expected = { audience: 'hovor', issuer: 'https://shop.example' };
    const verify = (claims: Record<string, unknown>) => {
      try {
        verifyIdentityToken(
          signIdentityToken({ sub: 'u', exp: now + 60, ...claims }, SECRET),
          SECRET,
          NOW,
          expected,
        );
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(verify({ aud: 'hovor', iss: 'https://shop.example' })).toBe('accepted');
    expect(verify({ aud: ['other', 'hovor'], iss: 'https://shop.example' })).toBe('accepted');
    expect(verify({ iss: 'https://shop.example' })).toMatch(/aud must include "hovor"/);
    expect(verify({ aud: 'other', iss: 'https://shop.example' })).toMatch(/aud/);
    expect(verify({ aud: 'hovor', iss: 'https://evil.example' })).toMatch(/iss must be/);
    // Without expectations, aud and iss are not checked.
    expect(refusal(signIdentityToken({ sub: 'u', exp: now + 60, aud: 'x', iss: 'y' }, SECRET))).toBe(
      'accepted',
    );
  });
});
