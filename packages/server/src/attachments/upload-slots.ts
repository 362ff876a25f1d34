/**
 * [P21] Admission control for uploads on this node: a bounded number in flight per requester and in
 * total, so bodies held in memory stay bounded whoever sends them. A refused upload is answered at
 * once and never queued (a queue would hold its connection, which is what the cap prevents).
 */
export interface UploadSlots {
  /** A release function when a slot is free for `requester`, else null; releasing twice is harmless. */
  tryAcquire(requester: string): (() => void) | null;
  /** Uploads holding a slot now. */
  inUse(): number;
}

export function createUploadSlots(limits: { perRequester: number; perNode: number }): UploadSlots {
  const byRequester = new Map<string, number>();
  let total = 0;
  return {
    tryAcquire(requester) {
      const held = byRequester.get(requester) ?? 0;
      if (total >= limits.perNode || held >= limits.perRequester) return null;
      byRequester.set(requester, held + 1);
      total++;
      let isReleased = false;
      return () => {
        if (isReleased) return;
        isReleased = true;
        total--;
        const left = (byRequester.get(requester) ?? 1) - 1;
        if (left === 0) byRequester.delete(requester);
        else byRequester.set(requester, left);
      };
    },
    inUse: () => total,
  };
}
