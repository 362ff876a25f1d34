import type { ConversationState } from '@hovor/protocol';
import { AppError } from '../errors.js';

export type ConversationAction = 'assign' | 'close';

/** The only moves a conversation makes; anything else is a conflict. */
const TRANSITIONS: Record<ConversationState, Partial<Record<ConversationAction, ConversationState>>> = {
  queued: { assign: 'assigned', close: 'closed' },
  assigned: { close: 'closed' },
  closed: {},
};

/** The state after `action`, or CONFLICT when the conversation cannot take it. */
export function transition(state: ConversationState, action: ConversationAction): ConversationState {
  const next = TRANSITIONS[state][action];
  if (!next) throw new AppError('CONFLICT', `A ${state} conversation cannot ${action}`);
  return next;
}
