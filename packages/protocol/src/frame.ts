import { z } from 'zod/mini';
import { AgentRef, Id, QueuePosition } from './common.js';
import { ErrorCode } from './errors.js';
import { Availability } from './visitor.js';

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
  /** The chat was minimised: what arrives now is not read [P13]. */
  z.strictObject({ source: z.literal(FRAME_SOURCE), type: z.literal('closed') }),
  /** From `Hovor('setDepartment', id)`; null goes back to the site's general queue. */
  z.strictObject({
    source: z.literal(FRAME_SOURCE),
    type: z.literal('department'),
    departmentId: z.nullable(Id),
  }),
]);
export type LoaderToFrame = z.infer<typeof LoaderToFrame>;

const event = { source: z.literal(FRAME_SOURCE), type: z.literal('event') };

/**
 * What the page's `Hovor('on', name, callback)` listeners get: `data` is the callback's argument.
 * One object per `name`, so each name has its own data type.
 */
export const FrameEvent = z.discriminatedUnion('name', [
  /** What the site offers now, each time the frame learns it. */
  z.strictObject({ ...event, name: z.literal('availability'), data: Availability }),
  /** The visitor's place while the current conversation waits. */
  z.strictObject({ ...event, name: z.literal('queue:position'), data: QueuePosition }),
  /** The agent the current conversation was assigned to, once per change of agent. */
  z.strictObject({ ...event, name: z.literal('agent:assigned'), data: AgentRef }),
]);
export type FrameEvent = z.infer<typeof FrameEvent>;
/** The callback argument of each `FrameEvent` name. */
export type FrameEventData = { [E in FrameEvent as E['name']]: E['data'] };

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
  FrameEvent,
]);
export type FrameToLoader = z.infer<typeof FrameToLoader>;
