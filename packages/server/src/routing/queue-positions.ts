import type { QueuePosition } from '@hovor/protocol';
import type { ConversationRepository, QueuedEntry } from '../conversations/conversation.repository.js';
import type { Logger } from '../logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { QueueStatsRepository } from './queue-stats.repository.js';

/** Places told per site at most; a visitor further back hears their place once it is below this. */
export const MAX_TOLD_PLACES = 1_000;
/** Least time between two publications of one site's queue on a node, in ms. */
export const MIN_PUBLISH_INTERVAL_MS = 250;
/** A publication that took `d` ms waits `d` times this before the next one: reading a long queue stays a small share of the node. */
const PUBLISH_COST_FACTOR = 4;
/** Longest wait between a change of the queue and its publication, in ms. */
const MAX_PUBLISH_INTERVAL_MS = 3_000;

/** The queue a conversation waits in: its department's, or the site's general one. */
export function queueKey(siteId: string, departmentId: string | null): string {
  return `${siteId}:${departmentId ?? '-'}`;
}

/** [RT5] Queue order: higher priority first, then the original queue time, then the id (as `QUEUE_SORT` in the store). */
export function inQueueOrder(
  a: { id: string; priority?: number; queuedAt: Date | null },
  b: { id: string; priority?: number; queuedAt: Date | null },
): number {
  return (
    (b.priority ?? 0) - (a.priority ?? 0) ||
    (a.queuedAt?.getTime() ?? 0) - (b.queuedAt?.getTime() ?? 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

interface SitePublisher {
  /** The publication running now, if any. */
  running: Promise<void> | null;
  /** A change arrived while one ran or waited: publish once more after it. */
  isDirty: boolean;
  timer: NodeJS.Timeout | null;
  /** When the next publication may start (performance.now()). */
  notBefore: number;
  /** What each waiting visitor of the site was last told, by conversation id. */
  told: Map<string, QueuePosition>;
}

/**
 * [RT13] Tells waiting visitors their place in their queue and the estimated wait. A change of a
 * site's queue asks for a publication; publications of a site run one at a time, at most every
 * MIN_PUBLISH_INTERVAL_MS (longer when reading the queue is slow), and a burst of changes is
 * published once. Each publication reads the head of the queue (MAX_TOLD_PLACES) in one bounded
 * read and tells only the visitors whose place or estimate changed.
 */
export function createQueuePositions(deps: {
  conversations: Pick<ConversationRepository, 'queueOrder'>;
  queueStats: QueueStatsRepository;
  notifier: Notifier;
  logger: Logger;
}) {
  const sites = new Map<string, SitePublisher>();
  /** Each queue's length as last published (MAX_TOLD_PLACES at most). */
  const lengths = new Map<string, number>();
  /** Sites this node has published at least once: their `lengths` are known. */
  const published = new Set<string>();
  /** Chats this node put in each queue since the read of its last publication began. */
  const enteredSince = new Map<string, number>();

  function publisherOf(siteId: string): SitePublisher {
    let publisher = sites.get(siteId);
    if (!publisher) {
      publisher = { running: null, isDirty: false, timer: null, notBefore: 0, told: new Map() };
      sites.set(siteId, publisher);
    }
    return publisher;
  }

  async function placesIn(siteId: string, queued: QueuedEntry[]) {
    const queues = new Map<string, QueuedEntry[]>();
    for (const entry of queued) {
      const key = queueKey(siteId, entry.departmentId);
      queues.set(key, [...(queues.get(key) ?? []), entry]);
    }
    const places: Array<{ entry: QueuedEntry; position: QueuePosition }> = [];
    for (const [key, entries] of queues) {
      lengths.set(key, entries.length);
      const perPositionMs = await deps.queueStats.waitPerPositionMs(key);
      entries.forEach((entry, index) => {
        const position = index + 1;
        const etaSeconds = perPositionMs === null ? null : Math.round((perPositionMs * position) / 1000);
        places.push({ entry, position: { conversationId: entry.id, position, etaSeconds } });
      });
    }
    return places;
  }

  async function publish(siteId: string, publisher: SitePublisher): Promise<void> {
    // Chats entering from now on may be missing from the read: they count on top of it.
    for (const key of enteredSince.keys()) if (key.startsWith(`${siteId}:`)) enteredSince.delete(key);
    const queued = await deps.conversations.queueOrder(siteId, MAX_TOLD_PLACES);
    for (const key of lengths.keys()) if (key.startsWith(`${siteId}:`)) lengths.set(key, 0);
    published.add(siteId);
    const places = await placesIn(siteId, queued);
    const told = new Map<string, QueuePosition>();
    const changed = [];
    for (const { entry, position } of places) {
      const before = publisher.told.get(entry.id);
      if (before?.position !== position.position || before.etaSeconds !== position.etaSeconds) {
        changed.push({ visitorId: entry.visitorId, position });
      }
      told.set(entry.id, position);
    }
    publisher.told = told;
    deps.notifier.queuePositions(changed);
  }

  function run(siteId: string, publisher: SitePublisher): void {
    publisher.timer = null;
    publisher.isDirty = false;
    const startedAt = performance.now();
    publisher.running = publish(siteId, publisher)
      .catch((error: unknown) => deps.logger.warn({ err: error, siteId }, 'publishing the queue failed'))
      .finally(() => {
        const tookMs = performance.now() - startedAt;
        const pauseMs = Math.min(
          MAX_PUBLISH_INTERVAL_MS,
          Math.max(MIN_PUBLISH_INTERVAL_MS, tookMs * PUBLISH_COST_FACTOR),
        );
        publisher.notBefore = performance.now() + pauseMs;
        publisher.running = null;
        if (publisher.isDirty) schedule(siteId, publisher);
        else if (publisher.told.size === 0) sites.delete(siteId);
      });
  }

  function schedule(siteId: string, publisher: SitePublisher): void {
    if (publisher.timer || publisher.running) {
      publisher.isDirty = true;
      return;
    }
    const waitMs = publisher.notBefore - performance.now();
    if (waitMs <= 0) run(siteId, publisher);
    else publisher.timer = setTimeout(() => run(siteId, publisher), waitMs).unref();
  }

  return {
    /** The site's queue changed: its waiting visitors hear their places soon. */
    request(siteId: string): void {
      schedule(siteId, publisherOf(siteId));
    },

    /** [RT13] Tells one waiting visitor their place again (a reconnect), from what was last published. */
    retell(siteId: string, conversationId: string, visitorId: string): void {
      const position = sites.get(siteId)?.told.get(conversationId);
      if (position) deps.notifier.queuePositions([{ visitorId, position }]);
      else schedule(siteId, publisherOf(siteId));
    },

    /** A chat entered the queue on this node (see `entryPlace`). */
    noteEntered(siteId: string, departmentId: string | null): void {
      const key = queueKey(siteId, departmentId);
      enteredSince.set(key, (enteredSince.get(key) ?? 0) + 1);
    },

    /**
     * [RT13] The place a chat entering the queue now takes, from memory: the length as last
     * published plus the chats this node queued since. Null before this node's first publication
     * of the site (the caller counts then).
     */
    entryPlace(siteId: string, departmentId: string | null): number | null {
      if (!published.has(siteId)) return null;
      const key = queueKey(siteId, departmentId);
      return (lengths.get(key) ?? 0) + (enteredSince.get(key) ?? 0) + 1;
    },

    /** How many wait in the queue as last published (at most MAX_TOLD_PLACES); 0 when unknown. */
    lengthOf(siteId: string, departmentId: string | null): number {
      return lengths.get(queueKey(siteId, departmentId)) ?? 0;
    },

    /** Resolves when no publication runs or waits on this node. */
    async idle(): Promise<void> {
      for (const [siteId, publisher] of sites) {
        if (publisher.timer) {
          clearTimeout(publisher.timer);
          run(siteId, publisher);
        }
        await publisher.running;
      }
    },

    stop(): void {
      for (const publisher of sites.values()) if (publisher.timer) clearTimeout(publisher.timer);
      sites.clear();
    },
  };
}
export type QueuePositions = ReturnType<typeof createQueuePositions>;
