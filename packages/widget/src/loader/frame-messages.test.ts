import { API_PREFIX, FRAME_SOURCE, FrameToLoader } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { API_PATH, configErrorText, readFrameMessage, readWidgetConfig, SOURCE } from './frame-messages.js';

describe('loader copies of protocol constants', () => {
  it('match the protocol', () => {
    expect(SOURCE).toBe(FRAME_SOURCE);
    expect(API_PATH).toBe(API_PREFIX);
  });
});

describe('readFrameMessage', () => {
  const valid = [
    { source: 'hovor', type: 'ready' },
    { source: 'hovor', type: 'close' },
    { source: 'hovor', type: 'conversation', isActive: true },
    { source: 'hovor', type: 'error', code: 'ORIGIN_NOT_ALLOWED', message: 'no' },
  ];

  it('accepts every message the protocol allows', () => {
    for (const message of valid) {
      expect(FrameToLoader.safeParse(message).success).toBe(true);
      expect(readFrameMessage(message)).toEqual(message);
    }
  });

  it("ignores other scripts' messages and malformed ones", () => {
    const invalid: unknown[] = [
      null,
      'hovor',
      { type: 'close' },
      { source: 'other', type: 'close' },
      { source: 'hovor', type: 'unknown' },
      { source: 'hovor', type: 'conversation', isActive: 'yes' },
      { source: 'hovor', type: 'error', code: 'INTERNAL' },
    ];
    for (const message of invalid) expect(readFrameMessage(message)).toBeNull();
  });
});

describe('readWidgetConfig', () => {
  it('reads the colour of a successful answer and rejects an error body', () => {
    const data = { siteKey: 'demo-site', siteName: 'Demo', color: '#123456', greeting: 'Hi' };
    expect(readWidgetConfig({ ok: true, data })).toEqual({ color: '#123456' });
    expect(readWidgetConfig({ ok: false, error: { code: 'ORIGIN_NOT_ALLOWED', message: 'x' } })).toBeNull();
    expect(readWidgetConfig(null)).toBeNull();
  });
});

describe('configErrorText', () => {
  it("prints the server's reason, which names the origin to allow", () => {
    const message = 'this page\'s origin http://shop.test is not in the allowed origins of site "demo-site"';
    const text = configErrorText('demo-site', 'http://hovor.test', {
      ok: false,
      error: { code: 'ORIGIN_NOT_ALLOWED', message },
    });
    expect(text).toBe(`[Hovor] no chat for site "demo-site": ${message}`);
  });

  it('names the Hovor origin when the request itself failed', () => {
    const text = configErrorText('demo-site', 'http://hovor.test', null);
    expect(text).toContain('http://hovor.test could not be reached');
  });
});
