import {
  type Ack,
  AckOf,
  API_PREFIX,
  ATTACHMENT_TYPES,
  Attachment,
  MAX_ATTACHMENT_BYTES,
  type Message,
  type SendMessageInput,
  type VisitorConversation,
  type VisitorHandshake,
} from '@hovor/protocol';
import { type ChatState, withMessages } from './chat-state.js';
import { newClientId } from './client-id.js';
import { sleep, WidgetError, withRetry } from './retry.js';

const AttachmentAck = AckOf(Attachment);

export interface FileUploadDeps {
  state: ChatState;
  ensureConversation: () => Promise<VisitorConversation>;
  command: (name: 'message:send', input: SendMessageInput) => Promise<Message>;
  /** The socket's handshake: the visitor's token and identity, its credentials for the HTTP routes. */
  auth: () => VisitorHandshake | undefined;
}

/** [P21] The visitor's credentials for the HTTP routes: the token and identity of the socket. */
function visitorHeaders(auth: VisitorHandshake | undefined): Record<string, string> {
  return {
    ...(auth ? { authorization: `Bearer ${auth.token}` } : {}),
    ...(auth?.identity ? { 'x-hovor-identity': auth.identity } : {}),
  };
}

/** [P21] A file of the conversation, fetched as this visitor (for a preview or a download). */
export async function fetchFile(auth: VisitorHandshake | undefined, attachmentId: string): Promise<Blob> {
  const res = await fetch(`${API_PREFIX}/attachments/${attachmentId}`, { headers: visitorHeaders(auth) });
  if (!res.ok) throw new WidgetError('NOT_FOUND', `file ${attachmentId}: HTTP ${res.status}`);
  return res.blob();
}

/** One upload of `file` to the conversation: the server's answer (the stored file's description). */
async function upload(
  headers: Record<string, string>,
  conversationId: string,
  file: File,
): Promise<Ack<Attachment>> {
  const res = await fetch(
    `${API_PREFIX}/conversations/${conversationId}/attachments?name=${encodeURIComponent(file.name)}`,
    { method: 'POST', headers: { 'content-type': file.type, ...headers }, body: file },
  );
  const parsed = AttachmentAck.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new WidgetError('UNAVAILABLE', `upload answered HTTP ${res.status}`);
  return parsed.data;
}

/**
 * [P21] Uploads `file` (retried like a command) and sends it as a message, showing it as on its
 * way meanwhile. A type or size the server would refuse is said at once; a failure after the
 * retries shows as `fileError`.
 */
export async function sendFile(deps: FileUploadDeps, file: File): Promise<void> {
  const { state } = deps;
  const refusal = !(ATTACHMENT_TYPES as readonly string[]).includes(file.type)
    ? 'fileType'
    : file.size > MAX_ATTACHMENT_BYTES
      ? 'fileSize'
      : null;
  if (refusal) {
    state.update((s) => ({ ...s, fileError: refusal }));
    return;
  }
  const clientMsgId = newClientId();
  state.update((s) => ({ ...s, fileError: null, uploads: [...s.uploads, { clientMsgId, name: file.name }] }));
  try {
    const conversation = await deps.ensureConversation();
    const attachment = await withRetry(() => upload(visitorHeaders(deps.auth()), conversation.id, file), {
      sleep,
      maxAttempts: 3,
    });
    const message = await deps.command('message:send', {
      conversationId: conversation.id,
      clientMsgId,
      text: attachment.name,
      attachmentId: attachment.id,
    });
    state.update((s) => withMessages(s, [message]));
  } catch {
    state.update((s) => ({ ...s, fileError: 'fileFailed' }));
  } finally {
    state.update((s) => ({ ...s, uploads: s.uploads.filter((u) => u.clientMsgId !== clientMsgId) }));
  }
}
