import { resendDelayMs } from '@hovor/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACK_ONLINE_SHOW_MS, createConnectionState } from './connection-state';
import type { ConsoleError } from './console-error';
import { fakeSocket } from './test-fakes';

const refusal = (code: string, retryAfterMs?: number) =>
  Object.assign(new Error('refused'), {
    data: {
      code,
      message: `handshake refused: ${code}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  });

function setup() {
  const fake = fakeSocket();
  const events: string[] = [];
  const refusals: ConsoleError[] = [];
  const state = createConnectionState({
    random: () => 0.5,
    onConnected: () => events.push('connected'),
    onDisconnected: (reason) => events.push(`disconnected: ${reason}`),
    onRefused: (refused) => refusals.push(refused),
  });
  const dispose = state.watch(fake.socket);
  return { state, events, refusals, dispose, ...fake };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createConnectionState', () => {
  it('[P14] connects again with growing, jittered delays while the handshake is refused as UNAVAILABLE', async () => {
    const { fire, connectCalls, refusals } = setup();
    fire('connect_error', refusal('UNAVAILABLE'));
    expect(refusals.map((r) => r.code)).toEqual(['UNAVAILABLE']);
    await vi.advanceTimersByTimeAsync(resendDelayMs(1, () => 0.5) - 1);
    expect(connectCalls()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(connectCalls()).toBe(1);
    fire('connect_error', refusal('UNAVAILABLE'));
    await vi.advanceTimersByTimeAsync(resendDelayMs(2, () => 0.5));
    expect(connectCalls()).toBe(2);
    // Once through, the next outage starts from the shortest delay again.
    fire('connect');
    fire('connect_error', refusal('UNAVAILABLE'));
    await vi.advanceTimersByTimeAsync(resendDelayMs(1, () => 0.5));
    expect(connectCalls()).toBe(3);
  });

  it('[A4] connects again no sooner than the retryAfterMs of a handshake refused as RATE_LIMITED', async () => {
    const { fire, connectCalls, refusals } = setup();
    fire('connect_error', refusal('RATE_LIMITED', 20_000));
    expect(refusals.map((r) => [r.code, r.retryAfterMs])).toEqual([['RATE_LIMITED', 20_000]]);
    await vi.advanceTimersByTimeAsync(19_999);
    expect(connectCalls()).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(connectCalls()).toBe(1);
  });

  it('[P1] does not retry a handshake refused for good', async () => {
    const { fire, connectCalls, refusals } = setup();
    fire('connect_error', refusal('CLIENT_TOO_OLD'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connectCalls()).toBe(0);
    expect(refusals.map((r) => r.code)).toEqual(['CLIENT_TOO_OLD']);
  });

  it('leaves transport failures to the Socket.IO manager, which retries by itself', async () => {
    const { state, fire, connectCalls, refusals } = setup();
    fire('connect_error', new Error('websocket error'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connectCalls()).toBe(0);
    expect(refusals).toEqual([]);
    expect(state.connection.value).toBe('reconnecting');
  });

  it('says Reconnecting while disconnected and Back online for a while after a reconnect', async () => {
    const { state, fire, events } = setup();
    fire('connect');
    expect([state.connection.value, state.isBackOnline.value]).toEqual(['connected', false]);
    fire('disconnect', 'transport close');
    expect([state.connection.value, state.isBackOnline.value]).toEqual(['reconnecting', false]);
    fire('connect');
    expect([state.connection.value, state.isBackOnline.value]).toEqual(['connected', true]);
    await vi.advanceTimersByTimeAsync(BACK_ONLINE_SHOW_MS);
    expect(state.isBackOnline.value).toBe(false);
    expect(events).toEqual(['connected', 'disconnected: transport close', 'connected']);
  });

  it('stops retrying once disposed', async () => {
    const { fire, connectCalls, dispose } = setup();
    fire('connect_error', refusal('UNAVAILABLE'));
    for (const off of dispose) off();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(connectCalls()).toBe(0);
  });
});
