import type { FrameToLoader, WidgetConfig } from '@hovor/protocol';
import { FRAME_EVENTS } from './hovor-api.js';

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
    (t === 'error' && typeof m.code === 'string' && typeof m.message === 'string') ||
    // `data` is passed on as sent: the frame is ours (checked by origin) and parses its own input.
    (t === 'event' && FRAME_EVENTS.includes(m.name as never))
    ? (m as FrameToLoader)
    : null;
}

/** Reads the `data` of a widget-config answer, or null when it lacks what the loader uses. */
export function readWidgetConfig(body: unknown): Pick<WidgetConfig, 'color'> | null {
  const data = (body as { data?: { color?: unknown } } | null)?.data;
  return typeof data?.color === 'string' ? { color: data.color } : null;
}

/**
 * The line the loader prints when the widget config cannot be loaded: the server's own message
 * (it names the origin to allow, readable cross-origin on purpose), else where it failed.
 * Kept out of the loader's text so every page of the site does not download it.
 */
export function configErrorText(siteKey: string, hovorOrigin: string, body: unknown): string {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return `[Hovor] no chat for site "${siteKey}": ${
    typeof message === 'string' ? message : `${hovorOrigin} could not be reached`
  }`;
}
