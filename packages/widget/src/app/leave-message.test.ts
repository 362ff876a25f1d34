import { describe, expect, it } from 'vitest';
import { ENGLISH } from './i18n.js';
import { validateLeaveMessage } from './leave-message.js';

const REQUEST_ID = 'request-0001';
const valid = { name: 'Ada', email: 'ada@example.com', text: 'Do you ship to Norway?' };

describe('validateLeaveMessage', () => {
  it('[RT18] accepts a filled form as the offline:leave input, trimmed, with the given requestId', () => {
    const result = validateLeaveMessage(
      ENGLISH,
      { name: '  Ada ', email: ' ada@example.com ', text: '\nDo you ship to Norway? ' },
      REQUEST_ID,
    );
    expect(result).toEqual({ input: { requestId: REQUEST_ID, ...valid }, errors: null });
  });

  it('names each wrong field, and only those', () => {
    expect(validateLeaveMessage(ENGLISH, { ...valid, email: 'ada@example' }, REQUEST_ID)).toEqual({
      input: null,
      errors: { email: 'Enter an e-mail address like name@example.com.' },
    });
  });

  it('refuses blank fields, whitespace included', () => {
    const { errors } = validateLeaveMessage(ENGLISH, { name: '   ', email: '', text: ' \n ' }, REQUEST_ID);
    expect(Object.keys(errors ?? {}).sort()).toEqual(['email', 'name', 'text']);
  });

  it('refuses an e-mail address with spaces inside', () => {
    expect(
      validateLeaveMessage(ENGLISH, { ...valid, email: 'ada @example.com' }, REQUEST_ID).errors,
    ).toHaveProperty('email');
  });
});
