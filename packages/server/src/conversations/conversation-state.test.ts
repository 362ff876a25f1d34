import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { transition } from './conversation-state.js';

describe('conversation states', () => {
  it('moves queued → assigned → closed', () => {
    expect(transition('queued', 'assign')).toBe('assigned');
    expect(transition('assigned', 'close')).toBe('closed');
  });

  it('lets a queued conversation be closed without an owner', () => {
    expect(transition('queued', 'close')).toBe('closed');
  });

  it('lets an agent reopen a left message, and nothing else', () => {
    expect(transition('offline', 'reopen')).toBe('assigned');
    expect(transition('offline', 'close')).toBe('closed');
    expect(() => transition('offline', 'assign')).toThrow(AppError);
    expect(() => transition('queued', 'reopen')).toThrow(AppError);
  });

  it('refuses to assign a conversation twice or to reopen a closed one', () => {
    expect(() => transition('assigned', 'assign')).toThrow(AppError);
    expect(() => transition('closed', 'assign')).toThrow(/closed conversation cannot assign/);
    expect(() => transition('closed', 'close')).toThrow(AppError);
  });
});
