import type { z } from 'zod/mini';
import type { Ack } from './ack.js';

/** A command: a client→server event with a schema for its input and for its ack's data. */
export type Command = { input: z.ZodMiniType; output: z.ZodMiniType };
export type CommandMap = Record<string, Command>;
export type NotificationMap = Record<string, z.ZodMiniType>;

/** Socket.IO `ClientToServerEvents`, derived from a command map: every command is acked. */
export type ClientToServerEvents<M extends CommandMap> = {
  [K in keyof M]: (input: z.input<M[K]['input']>, ack: (res: Ack<z.output<M[K]['output']>>) => void) => void;
};

/** Socket.IO `ServerToClientEvents`, derived from a notification map. */
export type ServerToClientEvents<N extends NotificationMap> = {
  [K in keyof N]: (payload: z.output<N[K]>) => void;
};

export type CommandInput<M extends CommandMap, K extends keyof M> = z.output<M[K]['input']>;
export type CommandOutput<M extends CommandMap, K extends keyof M> = z.output<M[K]['output']>;
