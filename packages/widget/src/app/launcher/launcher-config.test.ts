import { AckOf, WidgetConfig } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { readLauncherConfig } from './launcher-config.js';

const CONFIG: WidgetConfig = {
  siteKey: 'shop-1',
  siteName: 'Shop',
  color: '#2563eb',
  greeting: 'Hi',
  locale: 'cs',
  greetings: [],
  theme: 'light',
  position: 'left',
  launcherText: 'Chat with us',
  sound: true,
  preChat: null,
  launcherTexts: [{ locale: 'cs', text: 'Napište nám' }],
  hidesWhenOffline: true,
};

describe('the launcher’s reading of the widget config', () => {
  it('takes what the protocol’s WidgetConfig accepts', () => {
    const body = { ok: true, data: CONFIG };
    expect(AckOf(WidgetConfig).safeParse(body).success).toBe(true);
    expect(readLauncherConfig(body)).toEqual({
      color: '#2563eb',
      locale: 'cs',
      position: 'left',
      launcherText: 'Chat with us',
      launcherTexts: [{ locale: 'cs', text: 'Napište nám' }],
      hidesWhenOffline: true,
    });
  });

  it.each([
    ['a wrong side', { ...CONFIG, position: 'top' }],
    [
      'a launcher text in another language without its text',
      { ...CONFIG, launcherTexts: [{ locale: 'cs' }] },
    ],
    ['no colour', { ...CONFIG, color: 7 }],
  ])('refuses what the schema refuses: %s', (_name, data) => {
    expect(AckOf(WidgetConfig).safeParse({ ok: true, data }).success).toBe(false);
    expect(typeof readLauncherConfig({ ok: true, data })).toBe('string');
  });

  it('takes a config of an older server, which does not say whether it hides, as not hiding', () => {
    const { hidesWhenOffline: _, ...older } = CONFIG;
    expect(readLauncherConfig({ ok: true, data: older })).toMatchObject({ hidesWhenOffline: false });
  });

  it('gives the server’s reason for a refusal, for the page’s console', () => {
    const body = {
      ok: false,
      error: { code: 'FORBIDDEN', message: 'origin http://x.test is not in the allowed origins' },
    };
    expect(readLauncherConfig(body)).toBe('origin http://x.test is not in the allowed origins');
    expect(readLauncherConfig(null)).toMatch(/other than a widget config/);
  });
});
