import { describe, expect, it } from 'vitest';
import { parseEnv, toAppConfig } from './config.js';

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

  it('keeps only the origin of PUBLIC_URL', () => {
    expect(toAppConfig(parseEnv({ PUBLIC_URL: 'https://chat.example.com/some/path' })).publicUrl).toBe(
      'https://chat.example.com',
    );
  });
});
