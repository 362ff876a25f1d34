import type { AgentCommands, VisitorCommands } from '@hovor/protocol';
import type { ConversationRule } from './conversation-access.js';

/**
 * [A1] Who may call a command or a route. Every one of them declares exactly one policy here, in
 * this one table; the command wrapper (`sockets/command.ts`) and the route helper
 * (`http/guard.ts`) check it before any handler runs, and the authorization-matrix test runs the
 * whole table against every kind of caller.
 *
 * - `public`: anyone, no credentials (the page's widget config, sign-in, health).
 * - `visitor`: a visitor (token, and identity when signed in), about themselves.
 * - `agent`: a signed-in, active agent, about themselves.
 * - `supervisor`: a signed-in, active supervisor or admin of at least one site; the handler scopes
 *   what it reads or changes to the sites the caller oversees (another site's is NOT_FOUND).
 * - `{ conversation: rule }`: about the conversation named in the input (`conversationId`),
 *   decided by `authorizeConversation`: `visitor` its visitor; `reader` an agent who may read it
 *   (`agentMayRead`); `assignee` its assigned agent; `manager` its assigned agent or a supervisor
 *   or admin of its site; `participant` its visitor or a reader.
 */
export type Policy = 'public' | 'visitor' | 'agent' | 'supervisor' | { conversation: ConversationRule };

const conversation = <R extends ConversationRule>(rule: R) => ({ conversation: rule }) as const;

export const VISITOR_COMMAND_POLICIES = {
  'conversation:start': 'visitor',
  // Without a conversationId: the visitor's own open conversation.
  'conversation:sync': conversation('visitor'),
  'message:send': conversation('visitor'),
  'typing:set': conversation('visitor'),
  'receipt:set': conversation('visitor'),
  'availability:get': 'visitor',
  'offline:leave': 'visitor',
  'conversation:rate': conversation('visitor'),
  'visitor:attributes': 'visitor',
  'page:view': 'visitor',
} as const satisfies Record<keyof typeof VisitorCommands, Policy>;

export const AGENT_COMMAND_POLICIES = {
  'status:set': 'agent',
  'presence:activity': 'agent',
  'conversations:list': 'agent',
  'conversation:open': conversation('reader'),
  'conversation:close': conversation('manager'),
  'conversation:transfer': conversation('manager'),
  'note:add': conversation('reader'),
  'team:list': conversation('reader'),
  'conversation:reopen': conversation('reader'),
  'conversation:take': conversation('reader'),
  'message:send': conversation('assignee'),
  'typing:set': conversation('assignee'),
  'receipt:set': conversation('assignee'),
  // [P26] Any agent who may read the conversation blocks its visitor; supervisors lift blocks.
  'visitor:block': conversation('reader'),
  'blocks:list': 'supervisor',
  'visitor:unblock': 'supervisor',
} as const satisfies Record<keyof typeof AgentCommands, Policy>;

/** Every HTTP route Hovor answers, by `METHOD path` as Express matches it. */
export const ROUTE_POLICIES = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'POST /api/v1/auth/login': 'public',
  // Ends the cookie's session if there is one; harmless without.
  'POST /api/v1/auth/logout': 'public',
  'GET /api/v1/auth/me': 'agent',
  'POST /api/v1/auth/logout-everywhere': 'agent',
  'POST /api/v1/auth/password': 'agent',
  // Public look and texts, answered to the site's own origins only.
  'GET /api/v1/sites/:siteKey/widget-config': 'public',
  'GET /api/v1/sites/:siteKey/availability': 'public',
  // Creates (or resumes) an anonymous visitor for the chat frame.
  'POST /api/v1/visitors': 'public',
  'POST /api/v1/conversations/:conversationId/attachments': conversation('participant'),
  // The attachment's conversation decides.
  'GET /api/v1/attachments/:attachmentId': conversation('participant'),
  'GET /widget.js': 'public',
  'GET /widget.d.ts': 'public',
  'GET /widget/frame.html': 'public',
  'GET /widget/launcher.html': 'public',
  'GET /console': 'public',
  'GET /console/{*rest}': 'public',
  'GET /': 'public',
} as const satisfies Record<string, Policy>;
export type RouteKey = keyof typeof ROUTE_POLICIES;
