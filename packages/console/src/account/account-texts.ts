/**
 * The texts of the account menu, its dialogs and the end of a session, in English. The console
 * speaks English only for now; these are kept in one object, shaped like the widget's
 * `locales/en.ts`, so they move into the console's language files as they are. `{n}` is filled in
 * with `fill`.
 */
export const ACCOUNT_TEXTS = {
  accountMenu: 'Account',
  changePassword: 'Change password',
  signOutEverywhere: 'Sign out everywhere',
  signOut: 'Sign out',
  currentPassword: 'Current password',
  newPassword: 'New password',
  confirmPassword: 'Confirm new password',
  newPasswordHint: 'At least {n} characters.',
  currentPasswordMissing: 'Enter your current password.',
  newPasswordTooShort: 'Use at least {n} characters.',
  newPasswordTooLong: 'Use at most {n} characters.',
  confirmPasswordMissing: 'Type the new password again.',
  confirmPasswordMismatch: 'The new passwords do not match.',
  currentPasswordWrong: 'The current password is wrong.',
  passwordChanged: 'Password changed. Your other sessions were signed out.',
  cancel: 'Cancel',
  close: 'Close',
  signOutEverywhereQuestion: 'Sign out everywhere?',
  signOutEverywhereDetails:
    'This ends your sessions in every browser and on every device, this one included.',
  signedOutEverywhere: 'You are signed out on every device.',
  sessionEnded: 'Your session has ended. Sign in again.',
} as const;

/** The text with `{n}` … filled in. */
export const fill = (text: string, values: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));
