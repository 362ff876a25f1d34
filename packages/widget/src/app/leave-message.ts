import { LeaveMessageInput } from '@hovor/protocol';
import type { I18n } from './i18n.js';

export type LeaveMessageField = 'name' | 'email' | 'text';
export type LeaveMessageFields = Record<LeaveMessageField, string>;
export type LeaveMessageErrors = Partial<Record<LeaveMessageField, string>>;

/** The text that says what to fix, per field; the protocol's own messages are written for developers. */
const FIELD_ERRORS = { name: 'nameMissing', email: 'emailInvalid', text: 'textMissing' } as const;

const isField = (key: unknown): key is LeaveMessageField =>
  key === 'name' || key === 'email' || key === 'text';

/**
 * Checks the offline form with the protocol's `LeaveMessageInput`, the schema the server
 * applies, so what passes here is not refused there. Values are trimmed first.
 */
export function validateLeaveMessage(
  { t }: I18n,
  fields: LeaveMessageFields,
  requestId: string,
): { input: LeaveMessageInput; errors: null } | { input: null; errors: LeaveMessageErrors } {
  const parsed = LeaveMessageInput.safeParse({
    requestId,
    name: fields.name.trim(),
    email: fields.email.trim(),
    text: fields.text.trim(),
  });
  if (parsed.success) return { input: parsed.data, errors: null };
  const errors: LeaveMessageErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (isField(field)) errors[field] = t[FIELD_ERRORS[field]];
  }
  return { input: null, errors };
}
