import { LeaveMessageInput, MessageText, PreChatAnswers, type PreChatForm } from '@hovor/protocol';
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

/** The pre-chat form's fields [P20]; `department` is an id, `consent` "yes" when ticked. */
export type PreChatField = 'name' | 'email' | 'department' | 'text' | 'consent';
export type PreChatFields = Record<PreChatField, string>;
export type PreChatErrors = Partial<Record<PreChatField, string>>;

/**
 * Checks the pre-chat form with the protocol's `PreChatAnswers` and `MessageText`, and against
 * what the site asks (the same rules the server applies); values are trimmed first.
 */
export function validatePreChat(
  { t }: I18n,
  form: PreChatForm,
  fields: PreChatFields,
):
  | { answers: PreChatAnswers; departmentId: string | undefined; text: string; errors: null }
  | { errors: PreChatErrors } {
  const errors: PreChatErrors = {};
  const name = form.name === 'off' ? '' : fields.name.trim();
  const email = form.email === 'off' ? '' : fields.email.trim();
  const answers = {
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(form.consent && fields.consent === 'yes' ? { consent: true as const } : {}),
  };
  const parsed = PreChatAnswers.safeParse(answers);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.path[0] === 'name') errors.name = t.nameMissing;
      if (issue.path[0] === 'email') errors.email = t.emailInvalid;
    }
  }
  if (form.name === 'required' && !name) errors.name = t.nameMissing;
  if (form.email === 'required' && !email) errors.email = t.emailInvalid;
  const departmentId = form.departments.some((d) => d.id === fields.department)
    ? fields.department
    : undefined;
  if (form.departments.length > 0 && !departmentId) errors.department = t.departmentMissing;
  const text = fields.text.trim();
  if (!MessageText.safeParse(text).success) errors.text = t.textMissing;
  if (form.consent && fields.consent !== 'yes') errors.consent = t.consentMissing;
  if (Object.keys(errors).length > 0 || !parsed.success) return { errors };
  return { answers: parsed.data, departmentId, text, errors: null };
}
