import type { Message, VisitorConversation } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, clientId, type Harness, ok, startHarness } from './support/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** Every id Hovor derives for what it writes itself, as they were before [P23] (rounds 1 and 2). */
const SERVER_NAMES = [
  ...['queued', 'assigned', 'requeued', 'transferred', 'reopened'].flatMap((event) => [
    `event-${event}-1`,
    `event-${event}-2`,
  ]),
  'note-transfer-1',
  'note-transfer-2',
  'event-closed',
  'event-offline',
  `offline-${clientId()}`,
];

/** A chat assigned to Alice, then transferred to Bob with a comment (an internal note). */
async function transferredChat() {
  const alice = await h.onlineAgent('Alice', { capacity: 1 });
  const visitor = await h.visitor();
  const conversation = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
    requestId: clientId(),
  });
  const bob = await h.onlineAgent('Bob');
  await ok(alice.socket, 'conversation:transfer', {
    conversationId: conversation.id,
    to: { type: 'agent', agentId: bob.id },
    comment: 'Secret: the customer owes us 500 EUR',
  });
  return { alice, bob, visitor, conversation };
}

const notes = () => h.c.messages.find({ kind: 'note' }).toArray();

describe('[P23] client ids and Hovor’s own ids live in separate spaces', () => {
  it('[P23] a visitor naming the id of a transfer note gets a message of their own, never the note', async () => {
    const { bob, visitor, conversation } = await transferredChat();
    expect((await notes()).map((n) => n.clientMsgId)).toEqual(['sys.note-transfer-1']);

    for (const name of SERVER_NAMES) {
      const sent = await ok<Message>(visitor.socket, 'message:send', {
        conversationId: conversation.id,
        clientMsgId: name,
        text: `mine: ${name}`,
      });
      expect(sent).toMatchObject({ kind: 'text', author: { type: 'visitor' }, text: `mine: ${name}` });
      // Hovor's own form of the id is no client id at all.
      const own = await call(visitor.socket, 'message:send', {
        conversationId: conversation.id,
        clientMsgId: `sys.${name}`,
        text: 'give me the note',
      });
      expect(own).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }

    // After the close too: a retry returns the visitor's own message, a server id nothing.
    await ok(bob.socket, 'conversation:close', { conversationId: conversation.id });
    const retried = await ok<Message>(visitor.socket, 'message:send', {
      conversationId: conversation.id,
      clientMsgId: 'note-transfer-1',
      text: 'again',
    });
    expect(retried).toMatchObject({ kind: 'text', text: 'mine: note-transfer-1' });
    const afterClose = await call(visitor.socket, 'message:send', {
      conversationId: conversation.id,
      clientMsgId: 'sys.note-transfer-1',
      text: 'again',
    });
    expect(afterClose).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await notes()).toHaveLength(1);
  });

  it('[P23] an agent cannot name Hovor’s ids in a message or a note either', async () => {
    const { bob, conversation } = await transferredChat();
    for (const name of SERVER_NAMES) {
      for (const command of ['message:send', 'note:add']) {
        const refused = await call(bob.socket, command, {
          conversationId: conversation.id,
          clientMsgId: `sys.${name}`,
          text: 'x',
        });
        expect(refused, `${command} ${name}`).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      }
      const note = await ok<Message>(bob.socket, 'note:add', {
        conversationId: conversation.id,
        clientMsgId: name,
        text: `note ${name}`,
      });
      expect(note).toMatchObject({ kind: 'note', author: { id: bob.id }, text: `note ${name}` });
    }
  });

  it('[P23] an id the visitor took first does not keep the close event from being written', async () => {
    const agent = await h.onlineAgent('Alice');
    const visitor = await h.visitor();
    const conversation = await ok<VisitorConversation>(visitor.socket, 'conversation:start', {
      requestId: clientId(),
    });
    for (const name of ['event-closed', 'event-assigned-2', 'event-requeued-1']) {
      await ok(visitor.socket, 'message:send', {
        conversationId: conversation.id,
        clientMsgId: name,
        text: 'x',
      });
    }
    await ok(agent.socket, 'conversation:close', { conversationId: conversation.id });
    const events = await h.c.messages
      .find({ conversationId: conversation.id, kind: 'event' })
      .sort({ seq: 1 })
      .toArray();
    expect(events.map((e) => e.event?.type)).toEqual(['queued', 'assigned', 'closed']);
  });
});

describe('[P23] a stored message is returned only to its own author and kind', () => {
  it('[P23] answers CONFLICT when another side or another agent reuses a message’s id', async () => {
    const { alice: aliceBefore, bob, visitor, conversation } = await transferredChat();
    // Alice oversees the site from now on, so she sees Bob's chat (and may add notes to it). A
    // change of role ends her console's sockets; she connects again.
    await h.hovor.agentAccess.setRole(bob.id, aliceBefore.id, 'supervisor');
    const alice = { ...aliceBefore, socket: await h.agent(aliceBefore.email) };
    const from = (socket: typeof bob.socket, command: string, clientMsgId: string) =>
      call(socket, command, { conversationId: conversation.id, clientMsgId, text: 'reused' });

    const visitorId = clientId();
    await ok(visitor.socket, 'message:send', {
      conversationId: conversation.id,
      clientMsgId: visitorId,
      text: 'v',
    });
    const agentId = clientId();
    await ok(bob.socket, 'message:send', {
      conversationId: conversation.id,
      clientMsgId: agentId,
      text: 'b',
    });
    const noteId = clientId();
    await ok(bob.socket, 'note:add', {
      conversationId: conversation.id,
      clientMsgId: noteId,
      text: 'internal',
    });
    const before = await h.c.messages.countDocuments({ conversationId: conversation.id });

    const conflicts = [
      await from(bob.socket, 'message:send', visitorId),
      await from(bob.socket, 'note:add', visitorId),
      await from(visitor.socket, 'message:send', agentId),
      await from(bob.socket, 'note:add', agentId),
      await from(visitor.socket, 'message:send', noteId),
      await from(bob.socket, 'message:send', noteId),
      await from(alice.socket, 'note:add', noteId),
    ];
    for (const answer of conflicts) {
      expect(answer).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      expect(JSON.stringify(answer)).not.toContain('internal');
    }
    expect(await h.c.messages.countDocuments({ conversationId: conversation.id })).toBe(before);

    // Each author's own retry still returns the stored message [P5].
    expect(await from(bob.socket, 'note:add', noteId)).toMatchObject({
      ok: true,
      data: { text: 'internal' },
    });
    expect(await from(visitor.socket, 'message:send', visitorId)).toMatchObject({
      ok: true,
      data: { text: 'v' },
    });
  });
});
