import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Ack, VisitorConversation } from '../packages/protocol/src/index.js';
import type { ChatRecord } from './chat-start-analysis.js';
import { errorLabel, withRetry } from './retry.js';
import type { VisitorSocket } from './seed.js';

/**
 * Starts one chat as the widget would and resolves once the visitor knows it is assigned and the
 * start is answered, once it ends on an error, or `timeoutMs` after its start. `scheduledAt`: when
 * an open loop meant to start it (now, for a closed one).
 */
export function startChat(
  visitor: VisitorSocket,
  scheduledAt: number,
  timeoutMs: number,
): Promise<ChatRecord> {
  const chat: ChatRecord = {
    scheduledAt,
    startedAt: performance.now(),
    assignedAt: null,
    assignedBy: null,
    ackState: null,
    attempts: 0,
    errors: [],
    finalError: null,
    conversationId: null,
  };
  const requestId = randomUUID();
  return new Promise((resolve) => {
    let isAnswered = false;
    /** Once finished, the record is final: a late ack (a retry still out at the timeout) changes nothing. */
    let isFinished = false;
    const finish = () => {
      isFinished = true;
      clearTimeout(timer);
      visitor.off('conversation:updated', onUpdated);
      resolve(chat);
    };
    const timer = setTimeout(finish, timeoutMs);
    // A timer fires late on a busy event loop: what comes after the wait does not count either.
    const isPastWait = () => performance.now() - chat.startedAt > timeoutMs;
    const onUpdated = (conversation: VisitorConversation) => {
      if (conversation.state !== 'assigned' || chat.assignedAt !== null) return;
      if (isPastWait()) return finish();
      chat.assignedAt = performance.now();
      chat.assignedBy = 'update';
      if (isAnswered) finish();
    };
    visitor.on('conversation:updated', onUpdated);
    // Counted as they come, so that a chat the wait ends still shows the errors it got.
    const attempt = async () => {
      const answer = await new Promise<Ack<VisitorConversation>>((resolve) =>
        visitor.emit('conversation:start', { requestId }, resolve),
      );
      if (!isFinished) {
        chat.attempts++;
        if (!answer.ok) chat.errors.push(errorLabel(answer));
      }
      return answer;
    };
    void withRetry(attempt, {
      giveUpAt: chat.startedAt + timeoutMs,
      now: () => performance.now(),
    }).then((outcome) => {
      if (isFinished) return;
      if (isPastWait()) return finish();
      isAnswered = true;
      if (outcome.last !== 'no answer' && outcome.last.ok) {
        chat.ackState = outcome.last.data.state;
        chat.conversationId = outcome.last.data.id;
        if (chat.ackState === 'assigned' && chat.assignedAt === null) {
          chat.assignedAt = performance.now();
          chat.assignedBy = 'ack';
        }
      } else {
        chat.finalError = { code: errorLabel(outcome.last), at: performance.now() };
      }
      if (chat.assignedAt !== null || chat.finalError) finish();
    });
  });
}
