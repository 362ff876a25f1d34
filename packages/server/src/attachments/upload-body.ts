import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { AttachmentType, MAX_ATTACHMENT_BYTES } from '@hovor/protocol';
import { AppError } from '../errors.js';
import { TOO_LARGE_MESSAGE } from './upload-limits.js';

/** What an upload's headers say its file is: checked before a byte of the body is read. */
export interface DeclaredFile {
  size: number;
  type: AttachmentType;
}

/** A refusal of an upload, with the HTTP status that says it more precisely than its code's. */
export interface UploadRefusal {
  status: 400 | 408 | 411 | 413 | 415;
  error: AppError;
}

/**
 * [P21] The file the headers declare: a `Content-Length` (no chunked body: its length is unknown
 * until it has been read) of 1 byte to the largest file, and an accepted `Content-Type`.
 */
export function declaredFile(
  headers: IncomingHttpHeaders,
): { ok: true; file: DeclaredFile } | { ok: false; refusal: UploadRefusal } {
  const refuse = (status: UploadRefusal['status'], message: string) =>
    ({ ok: false, refusal: { status, error: new AppError('BAD_REQUEST', message) } }) as const;
  const length = headers['content-length'];
  if (headers['transfer-encoding'] !== undefined || length === undefined) {
    return refuse(411, 'Send the file with its Content-Length (a chunked body is not accepted)');
  }
  // Node's parser has already refused a Content-Length that is not a decimal number.
  const size = Number(length);
  if (size === 0) return refuse(400, 'The file is empty');
  if (!(size <= MAX_ATTACHMENT_BYTES)) return refuse(413, TOO_LARGE_MESSAGE);
  const type = AttachmentType.safeParse((headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase());
  if (!type.success) return refuse(415, 'Only PNG, JPEG, GIF and WebP images and PDF files can be sent');
  return { ok: true, file: { size, type: type.data } };
}

const cutOff = (cause?: unknown) =>
  new AppError('BAD_REQUEST', 'The upload was cut off before its end', { cause });

/**
 * Reads a request body of `size` bytes as it arrives, holding no more than that: a longer body,
 * a connection that closes first, or `signal` (the upload's deadline) rejects it and drops what
 * was read.
 */
export function readBody(req: IncomingMessage, size: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let isSettled = false;
    const settle = (error: unknown) => {
      if (isSettled) return;
      isSettled = true;
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) {
        resolve(Buffer.concat(chunks, received));
        return;
      }
      chunks.length = 0;
      // Nothing listens any more: what still arrives is dropped, not buffered.
      req.resume();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > size) settle(new AppError('BAD_REQUEST', 'The body is longer than its Content-Length'));
      else chunks.push(chunk);
    };
    const onEnd = () =>
      settle(
        received === size
          ? undefined
          : new AppError('BAD_REQUEST', 'The body is shorter than its Content-Length'),
      );
    // The client's connection failing (ECONNRESET "aborted") is no failure of the server's.
    const onError = (error: Error) => settle(cutOff(error));
    const onClose = () => settle(cutOff());
    const onAbort = () => settle(signal.reason);
    if (signal.aborted || req.destroyed) {
      settle(signal.aborted ? signal.reason : cutOff());
      return;
    }
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    signal.addEventListener('abort', onAbort);
  });
}
