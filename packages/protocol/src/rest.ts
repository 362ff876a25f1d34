import { z } from 'zod/mini';
import { Id, MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS, SiteKey } from './common.js';
import { AvailabilityInput, Origin, VisitorToken } from './visitor.js';

/** Prefix of every versioned REST route. */
export const API_PREFIX = '/api/v1';

/** Largest accepted JSON body, in bytes. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

export const LoginBody = z.strictObject({
  email: z
    .string()
    .check(z.minLength(3), z.maxLength(MAX_EMAIL_CHARS), z.regex(/^[^\s@]+@[^\s@]+$/, 'expected an e-mail')),
  password: z.string().check(z.minLength(1), z.maxLength(MAX_PASSWORD_CHARS)),
});
export type LoginBody = z.infer<typeof LoginBody>;

/** The shortest password an agent may choose. */
export const MIN_PASSWORD_CHARS = 12;

/** An agent changes their own password; every other session of theirs ends [P25]. */
export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().check(z.minLength(1), z.maxLength(MAX_PASSWORD_CHARS)),
  newPassword: z.string().check(z.minLength(MIN_PASSWORD_CHARS), z.maxLength(MAX_PASSWORD_CHARS)),
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;

/** Creates an anonymous visitor for a site; the frame stores the returned token. */
export const CreateVisitorBody = z.strictObject({
  siteKey: SiteKey,
  hostOrigin: Origin,
  /** `Hovor('reset')`: a new anonymous visitor, whatever the browser's cookie says [P19]. */
  fresh: z.optional(z.boolean()),
});
export type CreateVisitorBody = z.infer<typeof CreateVisitorBody>;

export const CreatedVisitor = z.strictObject({ visitorId: z.string(), token: VisitorToken });
export type CreatedVisitor = z.infer<typeof CreatedVisitor>;

/** Public look and texts of a site's widget, fetched by the loader. */
export const WidgetTheme = z.enum(['light', 'dark', 'auto']);
export type WidgetTheme = z.infer<typeof WidgetTheme>;

/** How the pre-chat form asks for a field [P20]. */
export const PreChatField = z.enum(['off', 'optional', 'required']);
export type PreChatField = z.infer<typeof PreChatField>;

/** The site's pre-chat form [P20], asked before a visitor's first message of a conversation. */
export const PreChatForm = z.strictObject({
  name: PreChatField,
  email: PreChatField,
  /** The departments to choose from (one is required when listed); empty: no choice. */
  departments: z.array(z.strictObject({ id: Id, name: z.string() })),
  /** Text the visitor must tick to chat (privacy, terms); null: none. */
  consent: z.nullable(z.string()),
  /** `consent` in other languages; `consent` for the rest. */
  consents: z.array(z.strictObject({ locale: z.string(), text: z.string() })),
});
export type PreChatForm = z.infer<typeof PreChatForm>;

export const WidgetConfig = z.strictObject({
  siteKey: SiteKey,
  siteName: z.string(),
  color: z.string(),
  greeting: z.string(),
  /** The site's language (`cs`, `pl`, …), which the chat speaks when it can; null: the browser's. */
  locale: z.nullable(z.string().check(z.regex(/^[a-z]{2}$/))),
  /** The site's greeting in other languages (a list, which the frame parses more cheaply than a record); `greeting` for the rest. */
  greetings: z.array(z.strictObject({ locale: z.string(), text: z.string() })),
  /** Light or dark chat; `auto` follows the visitor's system. */
  theme: WidgetTheme,
  /** The corner of the page the launcher and the chat sit in. */
  position: z.enum(['left', 'right']),
  /** Words beside the launcher's icon (`Chat with us`); empty: the icon alone. */
  launcherText: z.string(),
  /** The site's pre-chat form; null: the chat starts with the first message. */
  preChat: z.nullable(PreChatForm),
  /** Whether an agent's message the visitor is not looking at plays a short chime. */
  sound: z.boolean(),
  /** `launcherText` in other languages; `launcherText` for the rest. */
  launcherTexts: z.array(z.strictObject({ locale: z.string(), text: z.string() })),
  /** Whether the widget hides while the site is offline (`hidden` availability) [P22]. */
  hidesWhenOffline: z.boolean(),
});
export type WidgetConfig = z.infer<typeof WidgetConfig>;

/** `?origin=`: the host page's origin, when the launcher frame asks on the page's behalf. */
export const WidgetConfigQuery = z.strictObject({ origin: z.optional(Origin) });
export type WidgetConfigQuery = z.infer<typeof WidgetConfigQuery>;

/**
 * [P22] `GET /sites/:siteKey/availability`: what the site offers a page now, before any chat; with
 * the host page's `origin` when the launcher frame asks, the page's department and language.
 */
export const AvailabilityQuery = z.extend(AvailabilityInput, { origin: z.optional(Origin) });
export type AvailabilityQuery = z.infer<typeof AvailabilityQuery>;

/** [P21] `POST /conversations/:conversationId/attachments?name=…`, the file's bytes as the body. */
export const AttachmentUploadParams = z.strictObject({ conversationId: Id });
export const AttachmentUploadQuery = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(1000)),
});
/** [P21] `GET /attachments/:attachmentId`. */
export const AttachmentParams = z.strictObject({ attachmentId: Id });

export const SiteKeyParams = z.strictObject({ siteKey: SiteKey });
