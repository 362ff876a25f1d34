import { type AgentProfile, resendDelayMs } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSessionCheck, STABLE_CONNECTION_MS } from './session-check';
import { deferred, ME } from './test-fakes';

/** A check whose `GET /auth/me` answers when the test says so. */
function setup() {
  const asked: ReturnType<typeof deferred<AgentProfile | null>>[] = [];
  const events: string[] = [];
  const check = createSessionCheck({
    me: () => {
      const answer = deferred<AgentProfile | null>();
      asked.push(answer);
      return answer.promise;
    },
    onEnded: () => events.push('ended'),
    reconnect: () => events.push('reconnect'),
    random: () => 0.5,
  });
  /** Answers the latest question and lets the answer land. */
  const answer = async (profile: AgentProfile | null | Error) => {
    const last = asked.at(-1);
    if (profile instanceof Error) last?.reject(profile);
    else last?.resolve(profile);
    await vi.advanceTimersByTimeAsync(0);
  };
  return { check, asked, events, answer };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createSessionCheck', () => {
  it('[P25] signs out when the server ended the socket and the session is gone', async () => {
    const { check, asked, events, answer } = setup();
    check.serverDisconnected();
    await answer(null);
    expect(asked).toHaveLength(1);
    expect(events).toEqual(['ended']);
  });

  it('reconnects at once when the server ended the socket but the session still stands', async () => {
    const { check, events, answer } = setup();
    check.serverDisconnected();
    await answer(ME);
    expect(events).toEqual(['reconnect']);
  });

  it('reconnects when the server cannot say, leaving the verdict to the handshake', async () => {
    const { check, events, answer } = setup();
    check.serverDisconnected();
    await answer(new Error('Cannot reach the Hovor server'));
    expect(events).toEqual(['reconnect']);
  });

  it('[P25] asks once for a burst of UNAUTHORIZED answers and the disconnect that follows them', async () => {
    const { check, asked, events, answer } = setup();
    check.unauthorized();
    check.unauthorized();
    check.serverDisconnected();
    await answer(null);
    expect(asked).toHaveLength(1);
    expect(events).toEqual(['ended']);
  });

  it('leaves a connected socket alone when a command was refused but the session stands', async () => {
    const { check, events, answer } = setup();
    check.unauthorized();
    await answer(ME);
    expect(events).toEqual([]);
  });

  it('asks once per server disconnect, and spaces out reconnects while the server keeps ending the socket', async () => {
    const { check, asked, events, answer } = setup();
    check.connected();
    check.serverDisconnected();
    await answer(ME);
    expect(events).toEqual(['reconnect']);
    check.connected();
    check.serverDisconnected();
    await answer(ME);
    // The second disconnect soon after a connect waits before reconnecting.
    expect(events).toEqual(['reconnect']);
    await vi.advanceTimersByTimeAsync(resendDelayMs(1, () => 0.5));
    expect(events).toEqual(['reconnect', 'reconnect']);
    expect(asked).toHaveLength(2);
    // A connection that lasts resets the spacing.
    check.connected();
    await vi.advanceTimersByTimeAsync(STABLE_CONNECTION_MS);
    check.serverDisconnected();
    await answer(ME);
    expect(events).toEqual(['reconnect', 'reconnect', 'reconnect']);
    expect(asked).toHaveLength(3);
  });

  it('ignores an answer that comes after a reset (the agent signed out or the socket was replaced)', async () => {
    const { check, events, answer } = setup();
    check.serverDisconnected();
    check.reset();
    await answer(null);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(events).toEqual([]);
  });
});
