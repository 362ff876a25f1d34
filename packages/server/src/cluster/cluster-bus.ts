import type { Namespace } from 'socket.io';

/** The server-side event that tells the other nodes a conversation's stored state changed. */
const CONVERSATION_CHANGED = 'hovor:conversation-changed';

/** What the nodes of a deployment tell each other, apart from what goes to the clients. */
export interface ClusterBus {
  /** This node changed the conversation: the others drop their copies of it. */
  conversationChanged(conversationId: string): void;
  onConversationChanged(handler: (conversationId: string) => void): void;
}

/** A node alone: nobody to tell. */
export const singleNodeBus: ClusterBus = {
  conversationChanged: () => {},
  onConversationChanged: () => {},
};

/**
 * The bus over the Socket.IO adapter that carries client events between nodes (Redis): a
 * server-side emit reaches every other node's namespace, never the clients.
 */
export function createClusterBus(nsp: Namespace): ClusterBus {
  return {
    conversationChanged(conversationId) {
      nsp.serverSideEmit(CONVERSATION_CHANGED, conversationId);
    },
    onConversationChanged(handler) {
      nsp.on(CONVERSATION_CHANGED, (conversationId: unknown) => {
        if (typeof conversationId === 'string') handler(conversationId);
      });
    },
  };
}
