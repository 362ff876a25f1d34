import {
  type Ack,
  API_PREFIX,
  type Attachment,
  AttachmentParams,
  AttachmentUploadParams,
  AttachmentUploadQuery,
  IdentityToken,
  VisitorToken,
} from '@hovor/protocol';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { AuthService } from '../auth/auth.service.js';
import type { SessionCookie } from '../auth/session-cookie.js';
import { AppError } from '../errors.js';
import { parse } from '../http/respond.js';
import type { RateLimits } from '../limits/rate-limiter.js';
import type { VisitorService } from '../visitors/visitor.service.js';
import type { AttachmentService, Requester } from './attachment.service.js';
import { declaredFile, readBody, type UploadRefusal } from './upload-body.js';
import type { UploadLimits } from './upload-limits.js';
import type { UploadSlots } from './upload-slots.js';

/** The visitor's identity token travels in this header, as in the socket's handshake [P19]. */
export const IDENTITY_HEADER = 'x-hovor-identity';

/**
 * [P21] Files of conversations: uploaded by the chat frame (the visitor's token as a bearer
 * token) or the console (the agent's session cookie), both on Hovor's own origin; read the same
 * way. A file is served as a download, sandboxed, never as a page of Hovor's origin.
 */
export function attachmentRoutes(deps: {
  attachments: AttachmentService;
  auth: AuthService;
  sessionCookie: SessionCookie;
  visitors: VisitorService;
  publicOrigin: string;
  /** Admission control: uploads in flight per requester and on this node. */
  slots: UploadSlots;
  limits: Pick<UploadLimits, 'bodyTimeoutMs' | 'retryAfterS'>;
  /** [A4] Uploads per visitor or agent over time, besides the slots in flight. */
  rateLimits: Pick<RateLimits, 'consume'>;
}): Router {
  const router = Router();

  async function requesterOf(req: Request): Promise<Requester> {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      const token = parse(VisitorToken, bearer);
      const header = req.headers[IDENTITY_HEADER];
      const identity = header === undefined ? undefined : parse(IdentityToken, header);
      return { type: 'visitor', visitor: await deps.visitors.authenticateToken(token, identity) };
    }
    return {
      type: 'agent',
      agent: await deps.auth.authenticate(deps.sessionCookie.read(req.headers.cookie)),
    };
  }

  const requesterKey = (requester: Requester) =>
    requester.type === 'visitor' ? `visitor:${requester.visitor.id}` : `agent:${requester.agent.id}`;

  /** Answers with the refusal's status, and cuts the connection so no more of the body comes in. */
  function refuse(res: Response, refusal: UploadRefusal): void {
    res.setHeader('Connection', 'close');
    res.status(refusal.status).json({ ok: false, error: refusal.error.toBody() } satisfies Ack<never>);
  }

  /** The body, or null once it failed to arrive within `bodyTimeoutMs` (then the upload was answered). */
  async function bodyWithinDeadline(req: Request, res: Response, size: number): Promise<Buffer | null> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deps.limits.bodyTimeoutMs);
    try {
      return await readBody(req, size, deadline.signal);
    } catch (error) {
      if (!deadline.signal.aborted) throw error;
      // A dribbling client may never read the answer: its connection goes once the answer is out.
      res.once('finish', () => req.socket.destroy());
      const seconds = deps.limits.bodyTimeoutMs / 1000;
      refuse(res, {
        status: 408,
        error: new AppError('BAD_REQUEST', `The file did not arrive within ${seconds} s; try again`),
      });
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * [P21] Nothing of the body is read until the requester is known, holds an upload slot, may
   * upload to the conversation, and declared an accepted type and a length that fits the file
   * limit and the quotas. A refusal before the body closes the connection (the client cannot keep
   * streaming into it); the body then has `bodyTimeoutMs` to arrive, and the slot is freed
   * however the upload ends.
   */
  router.post(
    `${API_PREFIX}/conversations/:conversationId/attachments`,
    (req: Request, _res: Response, next: NextFunction) => {
      // Only Hovor's own pages upload: a cookie-carrying request from elsewhere is refused.
      const origin = req.headers.origin;
      next(
        origin !== undefined && origin !== deps.publicOrigin
          ? new AppError('FORBIDDEN', 'Uploads come from Hovor only')
          : undefined,
      );
    },
    async (req: Request, res: Response, next: NextFunction) => {
      let release: (() => void) | null = null;
      try {
        const { conversationId } = parse(AttachmentUploadParams, req.params);
        const { name } = parse(AttachmentUploadQuery, req.query);
        const requester = await requesterOf(req);
        await deps.rateLimits.consume('uploads', requesterKey(requester));
        release = deps.slots.tryAcquire(requesterKey(requester));
        if (!release) {
          throw new AppError(
            'RATE_LIMITED',
            `Too many uploads at once; retry in ${deps.limits.retryAfterS} s`,
            { retryAfterMs: deps.limits.retryAfterS * 1000 },
          );
        }
        const conversation = await deps.attachments.conversationForUpload(requester, conversationId);
        const declared = declaredFile(req.headers);
        if (!declared.ok) {
          refuse(res, declared.refusal);
          return;
        }
        await deps.attachments.checkQuota(requester, conversation, declared.file.size);
        const bytes = await bodyWithinDeadline(req, res, declared.file.size);
        if (!bytes) return;
        const attachment = await deps.attachments.store(requester, conversation, {
          name,
          type: declared.file.type,
          bytes,
        });
        res.json({ ok: true, data: attachment } satisfies Ack<Attachment>);
      } catch (error) {
        next(error);
      } finally {
        release?.();
      }
    },
    (error: unknown, req: Request, res: Response, next: NextFunction) => {
      if (!res.headersSent) {
        // Refused before its body was read: nothing more of it is taken in.
        if (!req.complete) res.setHeader('Connection', 'close');
        if (error instanceof AppError && error.code === 'RATE_LIMITED') {
          res.setHeader('Retry-After', String(deps.limits.retryAfterS));
        }
      }
      next(error);
    },
  );

  router.get(`${API_PREFIX}/attachments/:attachmentId`, async (req, res, next) => {
    try {
      const { attachmentId } = parse(AttachmentParams, req.params);
      const doc = await deps.attachments.read(await requesterOf(req), attachmentId);
      res.setHeader('Content-Type', doc.type);
      res.setHeader('Content-Length', String(doc.size));
      res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(doc.name)}`);
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
      res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
      res.end(Buffer.from(doc.data.buffer));
    } catch (error) {
      next(error);
    }
  });

  return router;
}
