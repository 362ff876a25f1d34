import { MAX_EMAIL_CHARS, MAX_MESSAGE_TEXT_CHARS, MAX_NAME_CHARS } from '@hovor/protocol';
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useChatSnapshot, useServices } from './chat-context.js';
import { newClientId } from './client-id.js';
import { fill } from './i18n.js';
import {
  type LeaveMessageErrors,
  type LeaveMessageField,
  type LeaveMessageFields,
  type PreChatErrors,
  type PreChatField,
  type PreChatFields,
  validateLeaveMessage,
  validatePreChat,
} from './leave-message.js';
import styles from './offline-form.css?inline';

interface FieldProps<F extends string = LeaveMessageField> {
  name: F;
  label: string;
  value: string;
  error: string | undefined;
  onInput: (name: F, value: string) => void;
  type?: string;
  maxLength: number;
  autoComplete?: string;
}

function Field<F extends string>({
  name,
  label,
  value,
  error,
  onInput,
  type,
  maxLength,
  autoComplete,
}: FieldProps<F>) {
  const id = `hv-${name}`;
  const shared = {
    id,
    name,
    class: 'hv-input',
    value,
    maxLength,
    autoComplete,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
    onInput: (e: JSX.TargetedEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      onInput(name, e.currentTarget.value),
  };
  return (
    <div class="hv-field">
      <label for={id}>{label}</label>
      {name === 'text' ? <textarea rows={4} {...shared} /> : <input type={type ?? 'text'} {...shared} />}
      {error && (
        <p id={`${id}-error`} class="hv-failed">
          {error}
        </p>
      )}
    </div>
  );
}

/**
 * The leave-a-message form shown while the team is offline [RT17][RT18]. Loaded on demand: most
 * visitors never see it, so it stays out of the frame's first download.
 */
export function OfflineForm() {
  const { client, i18n } = useServices();
  const { t } = i18n;
  const { availability, draft } = useChatSnapshot();
  const [fields, setFields] = useState<LeaveMessageFields>({ name: '', email: '', text: draft });
  const [errors, setErrors] = useState<LeaveMessageErrors>({});
  const [sendError, setSendError] = useState('');
  const [isSending, setIsSending] = useState(false);
  const [isSent, setIsSent] = useState(false);
  // One id for every attempt, so a retry after a lost answer cannot store the message twice.
  const requestId = useRef(newClientId()).current;
  const form = useRef<HTMLFormElement>(null);

  if (isSent) {
    return (
      <p class="hv-scroller" role="status">
        {t.leftThanks}
      </p>
    );
  }

  const onInput = (name: LeaveMessageField, value: string) => {
    setFields((f) => ({ ...f, [name]: value }));
    if (errors[name]) setErrors((e) => ({ ...e, [name]: undefined }));
  };

  const submit = async () => {
    const { input, errors: found } = validateLeaveMessage(i18n, fields, requestId);
    setErrors(found ?? {});
    if (!input) {
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setIsSending(true);
    setSendError('');
    try {
      await client.leaveMessage(input);
      setIsSent(true);
    } catch {
      setSendError(t.leaveFailed);
    } finally {
      setIsSending(false);
    }
  };

  const field = (name: LeaveMessageField) => ({ name, value: fields[name], error: errors[name], onInput });
  return (
    <form
      ref={form}
      class="hv-scroller hv-form"
      aria-labelledby="hv-form-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {/* The lazy chunk carries its own styles: Vite would need a preload helper to load a CSS file. */}
      <style>{styles}</style>
      <h2 id="hv-form-title">{t.leaveTitle}</h2>
      {availability?.offlineText && <p>{availability.offlineText}</p>}
      <Field {...field('name')} label={t.name} maxLength={MAX_NAME_CHARS} autoComplete="name" />
      <Field
        {...field('email')}
        label={t.email}
        type="email"
        maxLength={MAX_EMAIL_CHARS}
        autoComplete="email"
      />
      <Field {...field('text')} label={t.message} maxLength={MAX_MESSAGE_TEXT_CHARS} />
      {sendError && (
        <p class="hv-failed" role="alert">
          {sendError}
        </p>
      )}
      <button type="submit" class="hv-send" disabled={isSending}>
        {t.sendMessage}
      </button>
    </form>
  );
}

/**
 * [P20] The site's pre-chat form, before the first message of a new conversation: the fields the
 * site asks, a department when it offers some (the page's choice preselected), the consent text,
 * and the first message. Loaded with the offline form, on demand.
 */
export function PreChatForm() {
  const { client, config, host, i18n } = useServices();
  const { t } = i18n;
  const form = config.preChat!;
  const preselected = form.departments.some((d) => d.id === host.departmentId) ? host.departmentId! : '';
  const [fields, setFields] = useState<PreChatFields>({
    name: '',
    email: '',
    department: preselected,
    text: '',
    consent: '',
  });
  const [errors, setErrors] = useState<PreChatErrors>({});
  const element = useRef<HTMLFormElement>(null);
  const choseDepartment = useRef(false);
  // The page may set its department after the form is drawn: it follows until the visitor chooses.
  useEffect(() => {
    const follow = () => {
      if (choseDepartment.current) return;
      const id = form.departments.some((d) => d.id === host.departmentId) ? host.departmentId! : '';
      setFields((f) => (f.department === id ? f : { ...f, department: id }));
    };
    follow(); // a call that landed between the first draw and this effect
    return host.onDepartment(follow);
  }, [host, form]);

  const onInput = (name: PreChatField, value: string) => {
    if (name === 'department') choseDepartment.current = true;
    setFields((f) => ({ ...f, [name]: value }));
    if (errors[name]) setErrors((e) => ({ ...e, [name]: undefined }));
  };
  const submit = () => {
    const checked = validatePreChat(i18n, form, fields);
    if (checked.errors) {
      setErrors(checked.errors);
      // The focus goes to the first field to fix, once it is drawn as invalid.
      requestAnimationFrame(() =>
        element.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    client.startWithPreChat(checked.answers, checked.departmentId, checked.text);
  };
  const label = (text: string, mode: 'optional' | 'required') =>
    mode === 'optional' ? fill(t.optional, { name: text }) : text;
  const invalid = (name: PreChatField) => ({
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `hv-${name}-error` : undefined,
  });
  const problem = (name: PreChatField) =>
    errors[name] && (
      <p id={`hv-${name}-error`} class="hv-failed">
        {errors[name]}
      </p>
    );
  return (
    <form
      ref={element}
      class="hv-scroller hv-form"
      aria-labelledby="hv-form-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <style>{styles}</style>
      <h2 id="hv-form-title">{t.preChatTitle}</h2>
      {form.name !== 'off' && (
        <Field
          name="name"
          label={label(t.name, form.name)}
          value={fields.name}
          error={errors.name}
          onInput={onInput}
          maxLength={MAX_NAME_CHARS}
          autoComplete="name"
        />
      )}
      {form.email !== 'off' && (
        <Field
          name="email"
          label={label(t.email, form.email)}
          value={fields.email}
          error={errors.email}
          onInput={onInput}
          type="email"
          maxLength={MAX_EMAIL_CHARS}
          autoComplete="email"
        />
      )}
      {form.departments.length > 0 && (
        <div class="hv-field">
          <label for="hv-department">{t.department}</label>
          <select
            id="hv-department"
            class="hv-input"
            value={fields.department}
            onChange={(e) => onInput('department', e.currentTarget.value)}
            {...invalid('department')}
          >
            <option value="">{t.chooseDepartment}</option>
            {form.departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
          {problem('department')}
        </div>
      )}
      <Field
        name="text"
        label={t.message}
        value={fields.text}
        error={errors.text}
        onInput={onInput}
        maxLength={MAX_MESSAGE_TEXT_CHARS}
      />
      {form.consent && (
        <div class="hv-field hv-consent">
          <input
            id="hv-consent"
            type="checkbox"
            checked={fields.consent === 'yes'}
            onChange={(e) => onInput('consent', e.currentTarget.checked ? 'yes' : '')}
            {...invalid('consent')}
          />
          <label for="hv-consent">
            {form.consents.find((c) => c.locale === i18n.locale)?.text ?? form.consent}
          </label>
          {problem('consent')}
        </div>
      )}
      <button type="submit" class="hv-send">
        {t.startChat}
      </button>
    </form>
  );
}
