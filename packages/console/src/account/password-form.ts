import { type ChangePasswordBody, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS } from '@hovor/protocol';
import { fill, ACCOUNT_TEXTS as T } from './account-texts';

/** What the agent typed into the change-password dialog. */
export interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}
export type PasswordField = keyof PasswordForm;
export type PasswordFormErrors = Partial<Record<PasswordField, string>>;

/** The fields in the order the dialog shows them; the first invalid one gets the focus. */
export const PASSWORD_FIELDS: readonly PasswordField[] = [
  'currentPassword',
  'newPassword',
  'confirmPassword',
];

export const EMPTY_PASSWORD_FORM: PasswordForm = {
  currentPassword: '',
  newPassword: '',
  confirmPassword: '',
};

/**
 * What is wrong with each field, in the words shown under it; empty when the form can be sent.
 * The lengths are the server's (`ChangePasswordBody`), counted as it counts them (UTF-16 units).
 * Passwords are checked as typed: a space is a character like any other.
 */
export function passwordFormErrors(form: PasswordForm): PasswordFormErrors {
  const errors: PasswordFormErrors = {};
  if (form.currentPassword.length === 0) errors.currentPassword = T.currentPasswordMissing;
  if (form.newPassword.length < MIN_PASSWORD_CHARS)
    errors.newPassword = fill(T.newPasswordTooShort, { n: MIN_PASSWORD_CHARS });
  else if (form.newPassword.length > MAX_PASSWORD_CHARS)
    errors.newPassword = fill(T.newPasswordTooLong, { n: MAX_PASSWORD_CHARS });
  if (form.confirmPassword.length === 0) errors.confirmPassword = T.confirmPasswordMissing;
  else if (form.confirmPassword !== form.newPassword) errors.confirmPassword = T.confirmPasswordMismatch;
  return errors;
}

/** The request to send, or the errors to show and the field to focus. */
export function checkPasswordForm(
  form: PasswordForm,
):
  | { isValid: true; body: ChangePasswordBody }
  | { isValid: false; errors: PasswordFormErrors; firstInvalid: PasswordField } {
  const errors = passwordFormErrors(form);
  const firstInvalid = PASSWORD_FIELDS.find((field) => errors[field] !== undefined);
  if (firstInvalid) return { isValid: false, errors, firstInvalid };
  return { isValid: true, body: { currentPassword: form.currentPassword, newPassword: form.newPassword } };
}
