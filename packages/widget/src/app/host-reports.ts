import type { Availability } from '@hovor/protocol';
import { type ChatState, isConversationActive } from './chat-state.js';
import type { HostChannel } from './host-channel.js';

/**
 * What the frame tells the host page as the chat changes, each once per change: whether a
 * conversation is going on (so the loader reopens the chat on the next page, once the frame
 * knows after its first sync), and the page's `Hovor('on', …)` events (availability, assignment).
 */
export function createHostReports(state: ChatState, host: HostChannel) {
  let isSynced = false;
  let postedIsActive: boolean | null = null;
  let postedAvailability: Availability | null = null;
  let postedAgentKey: string | null = null;

  function activity(): void {
    if (!isSynced) return;
    const isActive = isConversationActive(state.get());
    if (isActive === postedIsActive) return;
    postedIsActive = isActive;
    host.post({ type: 'conversation', isActive });
  }

  function events(): void {
    const { availability, conversation } = state.get();
    if (availability && availability !== postedAvailability) {
      postedAvailability = availability;
      host.post({ type: 'event', name: 'availability', data: availability });
    }
    const agent = conversation?.state === 'assigned' ? conversation.agent : null;
    // Keyed by conversation too: the same agent taking a new conversation is a new assignment.
    const agentKey = agent && `${conversation?.id}:${agent.id}`;
    if (agent && agentKey !== postedAgentKey) {
      host.post({ type: 'event', name: 'agent:assigned', data: agent });
    }
    postedAgentKey = agentKey;
  }

  return {
    /** The first sync is done: from now on the conversation's state is known. */
    synced(): void {
      isSynced = true;
      activity();
    },
    /** Starts reporting; returns the disposers. */
    start: (): Array<() => void> => [state.subscribe(activity), state.subscribe(events)],
  };
}
