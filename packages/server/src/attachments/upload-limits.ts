import { MAX_ATTACHMENT_BYTES } from '@hovor/protocol';

/** Uploads one visitor or agent may have in flight on a node; more are refused at once (429). */
export const MAX_UPLOADS_PER_REQUESTER = 2;
/**
 * Uploads a node admits at once, whoever sends them. Each holds ~16 MB while it is stored (its body
 * and the driver's copy): eight bound that to ~128 MB, and more would only wait in memory for the
 * database.
 */
export const MAX_UPLOADS_PER_NODE = 8;
/** How long a file's bytes may take to arrive once the server starts reading them; a dribble is cut. */
export const UPLOAD_BODY_TIMEOUT_MS = 30_000;
/** The `Retry-After` of an upload refused for want of a free slot, in seconds. */
export const UPLOAD_RETRY_AFTER_S = 2;
/** Files a conversation can hold, whoever uploaded them. */
export const MAX_FILES_PER_CONVERSATION = 20;
/** Bytes a conversation's files can hold together. */
export const MAX_BYTES_PER_CONVERSATION = 50 * 1024 * 1024;
/** Files one visitor can upload across their conversations (also bounds the quota's query). */
export const MAX_FILES_PER_VISITOR = 200;
/** Bytes one visitor's files can hold together across their conversations. */
export const MAX_BYTES_PER_VISITOR = 100 * 1024 * 1024;

/** [P21] How much uploading a node admits; tests shrink these. */
export interface UploadLimits {
  perRequester: number;
  perNode: number;
  bodyTimeoutMs: number;
  retryAfterS: number;
  filesPerConversation: number;
  bytesPerConversation: number;
  filesPerVisitor: number;
  bytesPerVisitor: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  perRequester: MAX_UPLOADS_PER_REQUESTER,
  perNode: MAX_UPLOADS_PER_NODE,
  bodyTimeoutMs: UPLOAD_BODY_TIMEOUT_MS,
  retryAfterS: UPLOAD_RETRY_AFTER_S,
  filesPerConversation: MAX_FILES_PER_CONVERSATION,
  bytesPerConversation: MAX_BYTES_PER_CONVERSATION,
  filesPerVisitor: MAX_FILES_PER_VISITOR,
  bytesPerVisitor: MAX_BYTES_PER_VISITOR,
};

/** Whole megabytes for messages ("10 MB"). */
export const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** Said whenever a file is too large, wherever that is found. */
export const TOO_LARGE_MESSAGE = `A file can have at most ${megabytes(MAX_ATTACHMENT_BYTES)}`;
