import { z } from 'zod/mini';
import { AgentRef, Id, IdentityToken, QueuePosition, VisitorAttributes } from './common.js';
import { ErrorCode } from './errors.js';
import { Availability, PageViewInput } from './visitor.js';

/**
 * Messages between the loader on the host page and Hovor's two frames (Hovor origin): the
 * launcher frame, always on the page, and the chat frame, loaded on intent. The loader only
 * places the frames and passes messages on; the launcher frame holds the page's settings and
 * tells the chat frame about them through the loader. Every sender posts with an exact target
 * origin, every receiver checks `event.origin` and `event.source`, and every message carries
 * `source: 'hovor'` so other scripts' messages are ignored cheaply.
 */
export const FRAME_SOURCE = 'hovor';

const source = z.literal(FRAME_SOURCE);

/** A language code of the page API and the chat (`cs`, `pt-BR`); the chat uses its first part. */
export const LocaleCode = z.string().check(z.regex(/^[a-z]{2}(-[A-Za-z]{2,4})?$/));

/** What the chat frame hears, from the loader (`init`) or the launcher through the loader. */
export const LoaderToFrame = z.discriminatedUnion('type', [
  /** First message; the frame learns the host origin from this event's `origin`. */
  z.strictObject({ source, type: z.literal('init') }),
  z.strictObject({ source, type: z.literal('opened') }),
  /** The chat was minimised: what arrives now is not read [P13]. */
  z.strictObject({ source, type: z.literal('closed') }),
  /** From `Hovor('setDepartment', id)`; null goes back to the site's general queue. */
  z.strictObject({ source, type: z.literal('department'), departmentId: z.nullable(Id) }),
  /** From `Hovor('setLocale', code)`: the chat switches to that language if it speaks it. */
  z.strictObject({ source, type: z.literal('locale'), locale: LocaleCode }),
  /** From `Hovor('identify', { token })`: the chat connects as the site's user [P19]. */
  z.strictObject({ source, type: z.literal('identify'), token: IdentityToken }),
  /** The page's attributes so far (`Hovor('setAttributes')`, merged; null removes a key) [P19]. */
  z.strictObject({ source, type: z.literal('attributes'), attributes: VisitorAttributes }),
  /** `Hovor('reset')`: forget the visitor (and identity); start as a new anonymous one [P19]. */
  z.strictObject({ source, type: z.literal('reset') }),
  /** The page the visitor is on, once per page and single-page-app navigation [P18]. */
  z.strictObject({ source, type: z.literal('page'), ...PageViewInput.shape }),
]);
export type LoaderToFrame = z.infer<typeof LoaderToFrame>;

const event = { source, type: z.literal('event') };

/**
 * What the page's `Hovor('on', name, callback)` listeners get from the chat: `data` is the
 * callback's argument. One object per `name`, so each name has its own data type. Nothing of the
 * conversation's content crosses to the host page: a message event says only who wrote.
 */
export const FrameEvent = z.discriminatedUnion('name', [
  /** What the site offers now, each time the frame learns it. */
  z.strictObject({ ...event, name: z.literal('availability'), data: Availability }),
  /** The visitor's place while the current conversation waits. */
  z.strictObject({ ...event, name: z.literal('queue:position'), data: QueuePosition }),
  /** The agent the current conversation was assigned to, once per change of agent. */
  z.strictObject({ ...event, name: z.literal('agent:assigned'), data: AgentRef }),
  /** A new message in the conversation, once each (not the ones a resync brings back). */
  z.strictObject({
    ...event,
    name: z.literal('message'),
    data: z.strictObject({ conversationId: Id, from: z.enum(['visitor', 'agent', 'system']) }),
  }),
  z.strictObject({
    ...event,
    name: z.literal('conversation:started'),
    data: z.strictObject({ conversationId: Id }),
  }),
  z.strictObject({
    ...event,
    name: z.literal('conversation:ended'),
    data: z.strictObject({ conversationId: Id }),
  }),
]);
export type FrameEvent = z.infer<typeof FrameEvent>;
/** The callback argument of each `FrameEvent` name. */
export type FrameEventData = { [E in FrameEvent as E['name']]: E['data'] };

export const FrameToLoader = z.discriminatedUnion('type', [
  z.strictObject({ source, type: z.literal('ready') }),
  /** The visitor asked to minimise the chat. */
  z.strictObject({ source, type: z.literal('close') }),
  /** Whether a conversation is open, so the launcher loads the chat again on the next page. */
  z.strictObject({ source, type: z.literal('conversation'), isActive: z.boolean() }),
  /** Agent messages the visitor has not read yet. */
  z.strictObject({ source, type: z.literal('unread'), count: z.int().check(z.gte(0)) }),
  z.strictObject({
    source,
    type: z.literal('error'),
    code: ErrorCode,
    message: z.string().check(z.maxLength(500)),
  }),
  FrameEvent,
]);
export type FrameToLoader = z.infer<typeof FrameToLoader>;

/** The page API's events, in the order the README lists them. */
export const PAGE_EVENTS = [
  'ready',
  'open',
  'close',
  'message',
  'unread',
  'conversation:started',
  'conversation:ended',
  'queue:position',
  'agent:assigned',
  'availability',
] as const;
export const PageEvent = z.enum(PAGE_EVENTS);
export type PageEvent = z.infer<typeof PageEvent>;

/** What the launcher hears: from the loader itself, or the chat frame's messages it passes on. */
export const LoaderToLauncher = z.discriminatedUnion('type', [
  /**
   * First message; the launcher learns the host origin from this event's `origin`. `saved` is
   * what it asked the loader to keep on the last page (`save`), null if nothing.
   */
  z.strictObject({ source, type: z.literal('init'), saved: z.nullable(z.string().check(z.maxLength(100))) }),
  /** A `Hovor(...)` call as the page made it, a callback replaced by `true`; checked by the launcher. */
  z.strictObject({ source, type: z.literal('call'), args: z.array(z.unknown()).check(z.maxLength(8)) }),
  /** A message of the chat frame, passed on unread; the launcher parses it as `FrameToLoader`. */
  z.strictObject({ source, type: z.literal('chat'), message: z.unknown() }),
  /** The page's address and title, at first and whenever either changes (polled each second). */
  z.strictObject({ source, type: z.literal('page'), url: z.string(), title: z.string() }),
]);
export type LoaderToLauncher = z.infer<typeof LoaderToLauncher>;

/** What the launcher asks the loader to do on the host page. */
export type LauncherToLoader =
  | {
      source: typeof FRAME_SOURCE;
      type: 'layout';
      side: 'left' | 'right';
      /** The launcher frame's size in CSS pixels; hidden when `isShown` is false. */
      width: number;
      height: number;
      isShown: boolean;
      isOpen: boolean;
      /** The chat frame's query (`site=…&locale=…`) once it should exist; null before. */
      chat: string | null;
    }
  /** A message for the chat frame. */
  | { source: typeof FRAME_SOURCE; type: 'chat'; message: LoaderToFrame }
  /** Keep `value` in the host page's storage for the next page's `init` (a frame's may be blocked). */
  | { source: typeof FRAME_SOURCE; type: 'save'; value: string }
  /** Calls the page's listeners of `name` with `data`. */
  | { source: typeof FRAME_SOURCE; type: 'emit'; name: PageEvent; data: unknown }
  /** A line for the host page's console, for its developer. */
  | { source: typeof FRAME_SOURCE; type: 'console'; level: 'warn' | 'error'; text: string }
  /** Alternates the page's title with `text` while it is not null. */
  | { source: typeof FRAME_SOURCE; type: 'title'; text: string | null };
