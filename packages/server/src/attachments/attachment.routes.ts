import {
  API_PREFIX,
  AttachmentParams,
  AttachmentUploadParams,
  AttachmentUploadQuery,
  IdentityToken,
  MAX_ATTACHMENT_BYTES,
  VisitorToken,
} from '@hovor/protocol';
import express, {
  type ErrorRequestHandler,
  type NextFunction,
  type Request,
  type Response,
  Router,
} from 'express';
import { type AuthService, readCookie, SESSION_COOKIE } from '../auth/auth.service.js';
import { AppError } from '../errors.js';
import { parse, route } from '../http/respond.js';
import type { VisitorService } from '../visitors/visitor.service.js';
import type { AttachmentService, Requester } from './attachment.service.js';

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
  visitors: VisitorService;
  publicOrigin: string;
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
      agent: await deps.auth.authenticate(readCookie(req.headers.cookie, SESSION_COOKIE)),
    };
  }

  const tooLarge: ErrorRequestHandler = (error: { type?: string }, _req, _res, next) =>
    next(
      error?.type === 'entity.too.large'
        ? new AppError('BAD_REQUEST', `A file can have at most ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB`)
        : error,
    );

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
    express.raw({ type: () => true, limit: MAX_ATTACHMENT_BYTES }),
    tooLarge,
    route(async (req) => {
      const { conversationId } = parse(AttachmentUploadParams, req.params);
      const { name } = parse(AttachmentUploadQuery, req.query);
      const requester = await requesterOf(req);
      const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
      return deps.attachments.upload(requester, conversationId, {
        name,
        type: (req.headers['content-type'] ?? '').split(';')[0]!.trim(),
        bytes,
      });
    }),
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
