import type { BlockAnnouncer } from '../blocks/block.service.js';
import { type AgentNamespace, rooms, type VisitorNamespace } from './notifier.js';

/**
 * [P26] What a block does to the sockets: the visitor's end and the site's agents hear of it.
 * `disconnectSockets` and room emits go through the Socket.IO adapter, so with Redis they reach
 * every node.
 */
export function createBlockSockets(visitors: VisitorNamespace, agents: AgentNamespace): BlockAnnouncer {
  return {
    endVisitor(visitorId) {
      visitors.in(rooms.visitor(visitorId)).disconnectSockets(true);
    },
    blocked(block) {
      agents.to(rooms.site(block.siteId)).emit('visitor:blocked', block);
    },
    unblocked(lifted) {
      agents.to(rooms.site(lifted.siteId)).emit('visitor:unblocked', lifted);
    },
  };
}
