import { ChangePasswordBody, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS } from '@hovor/protocol';
import { describe, expect, it } from 'vitest';
import { checkPasswordForm, passwordFormErrors } from './password-form';

const form = (newPassword: string, confirmPassword = newPassword, currentPassword = 'old password') => ({
  currentPassword,
  newPassword,
  confirmPassword,
});

describe('the change-password form', () => {
  it('sends the current and the new password, as typed, once every field is right', () => {
    const result = checkPasswordForm(form(' twelve chars ', ' twelve chars ', ' old '));
    expect(result).toEqual({
      isValid: true,
      body: { currentPassword: ' old ', newPassword: ' twelve chars ' },
    });
    // What passes here passes the server's schema.
    expect(result.isValid && ChangePasswordBody.safeParse(result.body).success).toBe(true);
  });

  it('asks for a new password of at least MIN_PASSWORD_CHARS characters and at most MAX_PASSWORD_CHARS', () => {
    const short = 'a'.repeat(MIN_PASSWORD_CHARS - 1);
    expect(passwordFormErrors(form(short))).toEqual({ newPassword: 'Use at least 12 characters.' });
    expect(passwordFormErrors(form('a'.repeat(MIN_PASSWORD_CHARS)))).toEqual({});
    expect(passwordFormErrors(form('a'.repeat(MAX_PASSWORD_CHARS)))).toEqual({});
    expect(passwordFormErrors(form('a'.repeat(MAX_PASSWORD_CHARS + 1)))).toEqual({
      newPassword: 'Use at most 256 characters.',
    });
  });

  it('says when the confirmation is missing or differs from the new password', () => {
    expect(passwordFormErrors(form('correct horse battery', ''))).toEqual({
      confirmPassword: 'Type the new password again.',
    });
    expect(passwordFormErrors(form('correct horse battery', 'correct horse battery '))).toEqual({
      confirmPassword: 'The new passwords do not match.',
    });
  });

  it('points at the first wrong field in the order shown, with an error for each wrong field', () => {
    const result = checkPasswordForm(form('short', 'other', ''));
    expect(result).toEqual({
      isValid: false,
      firstInvalid: 'currentPassword',
      errors: {
        currentPassword: 'Enter your current password.',
        newPassword: 'Use at least 12 characters.',
        confirmPassword: 'The new passwords do not match.',
      },
    });
    const onlyConfirm = checkPasswordForm(form('long enough password', 'other'));
    expect(onlyConfirm.isValid === false && onlyConfirm.firstInvalid).toBe('confirmPassword');
  });
});
