import type { ConversationState } from '@hovor/protocol';
import { AppError } from '../errors.js';

export type ConversationAction = 'assign' | 'close' | 'reopen';

/** The only moves a conversation makes; anything else is a conflict. */
const TRANSITIONS: Record<ConversationState, Partial<Record<ConversationAction, ConversationState>>> = {
  queued: { assign: 'assigned', close: 'closed' },
  assigned: { close: 'closed' },
  closed: {},
  // A left message waits for an agent, who reopens it to reply.
  offline: { reopen: 'assigned', close: 'closed' },
};

/** The state after `action`, or CONFLICT when the conversation cannot take it. */
export function transition(state: ConversationState, action: ConversationAction): ConversationState {
  const next = TRANSITIONS[state][action];
  if (!next) throw new AppError('CONFLICT', `A ${state} conversation cannot ${action}`);
  return next;
}
