import { type ConversationSummary, type Inbox, MAX_LIST_LIMIT } from '@hovor/protocol';
import { signal } from '@preact/signals';
import { applySummary, EMPTY_LISTS, type InboxLists, sortBox } from './inbox-lists';
import { type AgentSocket, command } from './socket';

export interface InboxDeps {
  requireSocket: () => AgentSocket;
  showError: (cause: unknown) => void;
}

export type InboxState = ReturnType<typeof createInboxState>;

/** The four inbox lists and the one on show. */
export function createInboxState({ requireSocket, showError }: InboxDeps) {
  const lists = signal<InboxLists>(EMPTY_LISTS);
  const box = signal<Inbox>('queue');

  async function load(): Promise<void> {
    try {
      const s = requireSocket();
      const [queue, mine, closed, offline] = await Promise.all(
        (['queue', 'mine', 'closed', 'offline'] as const).map((b) =>
          command(s, 'conversations:list', { box: b, limit: MAX_LIST_LIMIT }),
        ),
      );
      lists.value = {
        queue: sortBox('queue', queue?.items ?? []),
        mine: sortBox('mine', mine?.items ?? []),
        closed: sortBox('closed', closed?.items ?? []),
        offline: sortBox('offline', offline?.items ?? []),
      };
    } catch (cause) {
      showError(cause);
    }
  }

  /** Moves `summary` into the list it now belongs to, as seen by the agent `agentId`. */
  function apply(summary: ConversationSummary, agentId: string): void {
    lists.value = applySummary(lists.value, summary, agentId);
  }

  function find(id: string): ConversationSummary | undefined {
    return Object.values(lists.value)
      .flat()
      .find((s) => s.id === id);
  }

  return {
    lists,
    box,
    load,
    apply,
    find,
    clear: () => (lists.value = EMPTY_LISTS),
    selectBox: (next: Inbox) => (box.value = next),
  };
}
