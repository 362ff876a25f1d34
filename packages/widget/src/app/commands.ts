import type { Ack, CommandInput, CommandOutput, VisitorCommands } from '@hovor/protocol';
import { sleep, withRetry } from './retry.js';
import type { VisitorSocket } from './server-notifications.js';

/** How long a command waits for its ack before it counts as failed (and is retried). */
export const COMMAND_TIMEOUT_MS = 10_000;

type CommandName = keyof VisitorCommands;
type EmitCommand = <K extends CommandName>(
  event: K,
  input: CommandInput<VisitorCommands, K>,
) => Promise<Ack<CommandOutput<VisitorCommands, K>>>;

/** Sends one of the protocol's visitor commands and resolves with its ack's data. */
export type Command = <K extends CommandName>(
  name: K,
  input: CommandInput<VisitorCommands, K>,
  maxAttempts?: number,
) => Promise<CommandOutput<VisitorCommands, K>>;

/**
 * Commands on the socket once there is one: each waits `COMMAND_TIMEOUT_MS` for its ack, and a
 * retryable refusal or a lost answer is tried again (`maxAttempts`; the same input, so the same
 * ids: the server stores it once [P5]).
 */
export function createCommand(socket: Promise<VisitorSocket>): Command {
  return async (name, input, maxAttempts) => {
    const s = await socket;
    return withRetry(
      () => {
        const timed = s.timeout(COMMAND_TIMEOUT_MS);
        // Socket.IO's overloads cannot resolve a generic event name; `EmitCommand` restates the
        // same signature from the protocol's command map.
        const emit = timed.emitWithAck.bind(timed) as unknown as EmitCommand;
        return emit(name, input);
      },
      { sleep, maxAttempts },
    );
  };
}
