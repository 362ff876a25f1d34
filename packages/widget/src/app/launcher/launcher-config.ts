import type { WidgetConfig } from '@hovor/protocol';
import { API_PREFIX } from './protocol-copies.js';

/** What the launcher uses of the site's widget config. */
export type LauncherConfig = Pick<
  WidgetConfig,
  'color' | 'locale' | 'position' | 'launcherText' | 'launcherTexts' | 'hidesWhenOffline'
>;

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Reads a widget-config answer by hand, so the launcher, on every page, carries no zod; the chat
 * frame parses the same answer with the protocol's `WidgetConfig`. The launcher's config, or the
 * server's reason for refusing the page (it names the origin to allow). `launcher-config.test.ts`
 * keeps this reading equal to the schema's.
 */
export function readLauncherConfig(body: unknown): LauncherConfig | string {
  const b = body as { ok?: unknown; data?: Record<string, unknown>; error?: { message?: unknown } } | null;
  const d = b?.ok === true ? b.data : undefined;
  const texts = d?.launcherTexts;
  if (
    d &&
    isString(d.color) &&
    (d.locale === null || isString(d.locale)) &&
    (d.position === 'left' || d.position === 'right') &&
    isString(d.launcherText) &&
    Array.isArray(texts) &&
    texts.every((t: { locale?: unknown; text?: unknown }) => isString(t?.locale) && isString(t?.text))
  ) {
    return {
      color: d.color,
      locale: d.locale,
      position: d.position,
      launcherText: d.launcherText,
      launcherTexts: texts,
      // An older server (a rolling deploy) does not say: it does not hide.
      hidesWhenOffline: d.hidesWhenOffline === true,
    };
  }
  const message = b?.ok === false ? b.error?.message : undefined;
  return isString(message) ? message : 'the server answered with something other than a widget config';
}

/** Fetches the config for a page of `hostOrigin`, which the server checks against the site. */
export async function loadLauncherConfig(
  siteKey: string,
  hostOrigin: string,
): Promise<LauncherConfig | string> {
  try {
    const res = await fetch(
      `${API_PREFIX}/sites/${encodeURIComponent(siteKey)}/widget-config?origin=${encodeURIComponent(hostOrigin)}`,
    );
    return readLauncherConfig(await res.json());
  } catch {
    return `${location.origin} could not be reached`;
  }
}
