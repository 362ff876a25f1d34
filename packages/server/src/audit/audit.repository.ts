import type { AuditAction, AuditDoc, Collections } from '../db/collections.js';
import { newId } from '../db/ids.js';

export type AuditEntry = Omit<AuditDoc, '_id' | 'at' | 'siteId' | 'targetId' | 'ip' | 'details'> &
  Partial<Pick<AuditDoc, 'siteId' | 'targetId' | 'ip' | 'details'>>;

/** The most entries one read returns. */
export const MAX_AUDIT_PAGE = 200;

/** The security audit log: one insert per event, read newest first (the admin issue shows it). */
export function createAuditLog(c: Collections, clock: { now(): Date }) {
  return {
    async record(entry: AuditEntry): Promise<void> {
      await c.auditLog.insertOne({
        _id: newId(),
        at: clock.now(),
        siteId: null,
        targetId: null,
        ip: null,
        details: {},
        ...entry,
      });
    },

    /** The newest entries, of one site or of all, optionally of one action; at most MAX_AUDIT_PAGE. */
    async recent(filter: { siteId?: string; action?: AuditAction }, limit: number): Promise<AuditDoc[]> {
      return c.auditLog
        .find({
          ...(filter.siteId ? { siteId: filter.siteId } : {}),
          ...(filter.action ? { action: filter.action } : {}),
        })
        .sort({ at: -1 })
        .limit(Math.min(limit, MAX_AUDIT_PAGE))
        .toArray();
    },
  };
}
export type AuditLog = ReturnType<typeof createAuditLog>;
