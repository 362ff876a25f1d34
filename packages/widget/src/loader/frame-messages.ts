import type { FrameToLoader, WidgetConfig } from '@hovor/protocol';

// The loader must stay tiny, so it imports only types from the protocol and checks fields by
// hand; `frame-messages.test.ts` keeps these copies equal to the protocol's constants.

/** `FRAME_SOURCE` of the protocol. */
export const SOURCE = 'hovor';
/** `API_PREFIX` of the protocol. */
export const API_PATH = '/api/v1';

/** Reads a message posted by the chat frame, or null if it is not one of `FrameToLoader`. */
export function readFrameMessage(data: unknown): FrameToLoader | null {
  const m = (typeof data === 'object' && data) as Record<string, unknown> | null;
  if (!m || m.source !== SOURCE) return null;
  const t = m.type;
  return t === 'ready' ||
    t === 'close' ||
    (t === 'conversation' && typeof m.isActive === 'boolean') ||
    (t === 'error' && typeof m.code === 'string' && typeof m.message === 'string')
    ? (m as FrameToLoader)
    : null;
}

/** Reads the `data` of a widget-config answer, or null when it lacks what the loader uses. */
export function readWidgetConfig(body: unknown): Pick<WidgetConfig, 'color'> | null {
  const data = (body as { data?: { color?: unknown } } | null)?.data;
  return typeof data?.color === 'string' ? { color: data.color } : null;
}

/** The message the loader prints when the widget config cannot be loaded. */
export function configErrorText(
  siteKey: string,
  pageOrigin: string,
  hovorOrigin: string,
  code: unknown,
): string {
  return `[Hovor] chat widget of site "${siteKey}" not shown: ${
    code === 'ORIGIN_NOT_ALLOWED'
      ? `this page's origin ${pageOrigin} is not in the allowed origins of the site; add it in the site settings of the Hovor console.`
      : `could not load its config from ${hovorOrigin} (${code || 'network error'}); check data-site and that ${pageOrigin} is an allowed origin of the site.`
  }`;
}
