import { describe, expect, it } from 'vitest';
import { isDemoOn, parseEnv, toAppConfig } from './config.js';

describe('parseEnv', () => {
  it('gives every variable a default that suits a local run', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      PUBLIC_URL: 'http://localhost:3000',
      MONGODB_DB: 'hovor',
      AGENT_CAPACITY: 3,
    });
    expect(env.MONGODB_URL).toBeUndefined();
  });

  it('names every bad variable in one clear error', () => {
    expect(() => parseEnv({ PORT: 'abc', PUBLIC_URL: 'not a url', AGENT_CAPACITY: '0' })).toThrow(
      /PORT[\s\S]*PUBLIC_URL[\s\S]*AGENT_CAPACITY/,
    );
  });

  it('refuses production without MONGODB_URL', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/MONGODB_URL is required/);
  });

  it('refuses production with a plain-http PUBLIC_URL, naming the variable', () => {
    expect(() =>
      parseEnv({
        NODE_ENV: 'production',
        MONGODB_URL: 'mongodb://db',
        PUBLIC_URL: 'http://chat.example.com',
      }),
    ).toThrow(/PUBLIC_URL must be an https:\/\/ URL in production/);
    expect(() =>
      parseEnv({
        NODE_ENV: 'production',
        MONGODB_URL: 'mongodb://db',
        PUBLIC_URL: 'https://chat.example.com',
      }),
    ).not.toThrow();
  });

  it('turns the demo page off in production whatever DEMO says', () => {
    const production = {
      NODE_ENV: 'production',
      MONGODB_URL: 'mongodb://db',
      PUBLIC_URL: 'https://c.example',
    };
    expect(isDemoOn(parseEnv({ ...production, DEMO: 'on' }))).toBe(false);
    expect(isDemoOn(parseEnv({ DEMO: 'on' }))).toBe(true);
    expect(isDemoOn(parseEnv({ DEMO: 'off' }))).toBe(false);
  });

  it('refuses an ADMIN_PASSWORD shorter than 12 characters or longer than 200', () => {
    expect(() => parseEnv({ ADMIN_PASSWORD: 'short-pass1' })).toThrow(
      /ADMIN_PASSWORD: at least 12 characters/,
    );
    expect(() => parseEnv({ ADMIN_PASSWORD: 'x'.repeat(201) })).toThrow(/ADMIN_PASSWORD/);
    expect(parseEnv({ ADMIN_PASSWORD: 'twelve-chars', ADMIN_EMAIL: 'ops@example.com' })).toMatchObject({
      ADMIN_PASSWORD: 'twelve-chars',
      ADMIN_EMAIL: 'ops@example.com',
    });
  });

  it('refuses an ADMIN_EMAIL that is not an e-mail address', () => {
    expect(() => parseEnv({ ADMIN_EMAIL: 'admin' })).toThrow(/ADMIN_EMAIL/);
  });

  it('keeps only the origin of PUBLIC_URL', () => {
    expect(toAppConfig(parseEnv({ PUBLIC_URL: 'https://chat.example.com/some/path' })).publicUrl).toBe(
      'https://chat.example.com',
    );
  });

  it('[A4] reads TRUST_PROXY as off by default, true, a number of hops or a list of proxies', () => {
    expect(toAppConfig(parseEnv({})).trustProxy).toBe(false);
    expect(parseEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(parseEnv({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(parseEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8']);
  });

  it('[A4] refuses a TRUST_PROXY that names no proxy it can read', () => {
    for (const TRUST_PROXY of ['yes', '10.0.0.0/99', 'loopback,,', '-1']) {
      expect(() => parseEnv({ TRUST_PROXY })).toThrow(/TRUST_PROXY/);
    }
  });
});
