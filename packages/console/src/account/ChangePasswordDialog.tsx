import { MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS } from '@hovor/protocol';
import type { RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsoleState } from '../console-context';
import { toConsoleError } from '../console-error';
import { useModalDialog } from '../use-modal-dialog';
import { fill, ACCOUNT_TEXTS as T } from './account-texts';
import {
  checkPasswordForm,
  EMPTY_PASSWORD_FORM,
  type PasswordField,
  type PasswordForm,
  passwordFormErrors,
} from './password-form';

const SERVER_ERROR_ID = 'change-password-error';

const FIELDS: { field: PasswordField; label: string; autoComplete: string; hint?: string }[] = [
  { field: 'currentPassword', label: T.currentPassword, autoComplete: 'current-password' },
  {
    field: 'newPassword',
    label: T.newPassword,
    autoComplete: 'new-password',
    hint: fill(T.newPasswordHint, { n: MIN_PASSWORD_CHARS }),
  },
  { field: 'confirmPassword', label: T.confirmPassword, autoComplete: 'new-password' },
];

/**
 * [P25] The agent changes their password: checked here first (each field says what is wrong),
 * then by the server, whose refusal shows in an alert. The agent's other sessions end; this one stays.
 */
export function ChangePasswordDialog({
  onClose,
  returnFocusTo,
}: {
  onClose: () => void;
  returnFocusTo: RefObject<HTMLElement>;
}) {
  const state = useConsoleState();
  const dialog = useModalDialog(returnFocusTo);
  const inputs = useRef<Partial<Record<PasswordField, HTMLInputElement | null>>>({});
  const closeButton = useRef<HTMLButtonElement>(null);
  const [form, setForm] = useState<PasswordForm>(EMPTY_PASSWORD_FORM);
  /** Errors show once the agent has tried to send, then follow the typing. */
  const [isChecked, setIsChecked] = useState(false);
  const [serverError, setServerError] = useState<{ text: string; isWrongCurrent: boolean } | null>(null);
  const [isSending, setIsSending] = useState(false);
  const [isDone, setIsDone] = useState(false);
  const isMounted = useRef(true);
  useEffect(
    () => () => {
      isMounted.current = false;
    },
    [],
  );
  useEffect(() => {
    if (isDone) closeButton.current?.focus();
  }, [isDone]);

  const errors = isChecked ? passwordFormErrors(form) : {};

  const submit = async () => {
    setIsChecked(true);
    setServerError(null);
    const checked = checkPasswordForm(form);
    if (!checked.isValid) {
      inputs.current[checked.firstInvalid]?.focus();
      return;
    }
    setIsSending(true);
    try {
      await state.changePassword(checked.body);
      if (!isMounted.current) return;
      setForm(EMPTY_PASSWORD_FORM);
      setIsDone(true);
    } catch (cause) {
      if (!isMounted.current) return;
      const failure = toConsoleError(cause);
      const isWrongCurrent = failure.code === 'FORBIDDEN';
      setServerError({ text: isWrongCurrent ? T.currentPasswordWrong : failure.message, isWrongCurrent });
      if (isWrongCurrent) inputs.current.currentPassword?.select();
    } finally {
      if (isMounted.current) setIsSending(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      class="account-dialog"
      aria-labelledby="change-password-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="change-password-title">{T.changePassword}</h2>
      {/* In the page from the start, so screen readers announce the success when it appears. */}
      <p role="status" class={isDone ? 'account-notice' : undefined}>
        {isDone ? T.passwordChanged : ''}
      </p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {/* Tells the browser's password manager whose password changes. */}
        <input
          type="email"
          name="username"
          autoComplete="username"
          value={state.me.value?.email ?? ''}
          readOnly
          hidden
        />
        {!isDone &&
          FIELDS.map(({ field, label, autoComplete, hint }) => {
            const id = `change-password-${field}`;
            const error = errors[field];
            const isServerError = field === 'currentPassword' && serverError?.isWrongCurrent === true;
            const describedBy = [
              hint && `${id}-hint`,
              error && `${id}-error`,
              isServerError && SERVER_ERROR_ID,
            ].filter(Boolean);
            return (
              <div key={field} class="account-field">
                <label for={id}>{label}</label>
                {hint && (
                  <span id={`${id}-hint`} class="muted">
                    {hint}
                  </span>
                )}
                <input
                  id={id}
                  ref={(element) => {
                    inputs.current[field] = element;
                  }}
                  type="password"
                  name={field}
                  autoComplete={autoComplete}
                  required
                  minLength={field === 'currentPassword' ? undefined : MIN_PASSWORD_CHARS}
                  maxLength={MAX_PASSWORD_CHARS}
                  value={form[field]}
                  aria-invalid={error || isServerError ? 'true' : undefined}
                  aria-describedby={describedBy.length > 0 ? describedBy.join(' ') : undefined}
                  onInput={(event) => {
                    const value = event.currentTarget.value;
                    setForm((current) => ({ ...current, [field]: value }));
                  }}
                />
                {error && (
                  <span id={`${id}-error`} class="field-error">
                    {error}
                  </span>
                )}
              </div>
            );
          })}
        {serverError && (
          <p id={SERVER_ERROR_ID} class="send-error" role="alert">
            {serverError.text}
          </p>
        )}
        <div class="dialog-actions">
          {isDone ? (
            <button ref={closeButton} type="button" class="primary" onClick={onClose}>
              {T.close}
            </button>
          ) : (
            <>
              <button type="button" onClick={onClose}>
                {T.cancel}
              </button>
              <button type="submit" class="primary" disabled={isSending}>
                {T.changePassword}
              </button>
            </>
          )}
        </div>
      </form>
    </dialog>
  );
}
