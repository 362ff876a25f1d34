import { z } from 'zod/mini';
import { ErrorCode } from './errors.js';

/**
 * Messages between the loader on the host page and the chat frame (Hovor origin).
 * Both sides post with an exact target origin and check `event.origin`; every message
 * carries `source: 'hovor'` so other scripts' messages are ignored cheaply.
 */
export const FRAME_SOURCE = 'hovor';

export const LoaderToFrame = z.discriminatedUnion('type', [
  /** First message; the frame learns the host origin from this event's `origin`. */
  z.strictObject({ source: z.literal(FRAME_SOURCE), type: z.literal('init') }),
  z.strictObject({ source: z.literal(FRAME_SOURCE), type: z.literal('opened') }),
]);
export type LoaderToFrame = z.infer<typeof LoaderToFrame>;

export const FrameToLoader = z.discriminatedUnion('type', [
  z.strictObject({ source: z.literal(FRAME_SOURCE), type: z.literal('ready') }),
  /** The visitor asked to minimise the chat. */
  z.strictObject({ source: z.literal(FRAME_SOURCE), type: z.literal('close') }),
  /** Whether a conversation is open, so the loader restores the chat after navigation. */
  z.strictObject({ source: z.literal(FRAME_SOURCE), type: z.literal('conversation'), isActive: z.boolean() }),
  z.strictObject({
    source: z.literal(FRAME_SOURCE),
    type: z.literal('error'),
    code: ErrorCode,
    message: z.string().check(z.maxLength(500)),
  }),
]);
export type FrameToLoader = z.infer<typeof FrameToLoader>;
