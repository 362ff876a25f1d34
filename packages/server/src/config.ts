import { z } from 'zod';
import { DEFAULT_MAX_COMMANDS_IN_FLIGHT } from './limits/admission.js';
import { parseTrustProxy, type TrustProxy } from './limits/client-ip.js';

const Port = z.coerce.number().int().min(0).max(65535);

/** Environment variables Hovor reads; each has a default that suits a local run. */
export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: Port.default(3000),
  PUBLIC_URL: z.url().default('http://localhost:3000'),
  MONGODB_URL: z.string().startsWith('mongodb').optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,40}$/, 'Latin letters, digits and _ only')
    .default('hovor'),
  /** Set on every node of a multi-node deployment: Socket.IO events fan out through Redis. */
  REDIS_URL: z.string().startsWith('redis').optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_PORT: Port.default(3001),
  DEMO: z.enum(['on', 'off']).default('on'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(12),
  AGENT_CAPACITY: z.coerce.number().int().min(1).max(50).default(3),
  /** Lifetime of an agent connection's lease without renewal (routing SPEC [RT7]). */
  PRESENCE_LEASE_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /** [A4] Commands a node works on at once; past it they are refused at once as retryable. */
  MAX_COMMANDS_IN_FLIGHT: z.coerce.number().int().min(8).max(100_000).default(DEFAULT_MAX_COMMANDS_IN_FLIGHT),
  /** How long a visitor's token lasts unused; each visit moves it on (protocol SPEC [P24]). */
  VISITOR_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(730).default(90),
  /** The first admin's password, used once on the first start instead of a printed one. */
  ADMIN_PASSWORD: z.string().min(12, 'at least 12 characters').max(200).optional(),
  /** The first admin's e-mail on the first start. */
  ADMIN_EMAIL: z.email().max(200).optional(),
  /**
   * Which proxies to believe about the client's address (X-Forwarded-For), for the rate limits per
   * address [A4]: `false` (none, the default), `true` (all), a number of hops, or a comma list of
   * addresses, CIDR ranges and `loopback`/`linklocal`/`uniquelocal`.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const parsed = parseTrustProxy(value);
      if (parsed !== null) return parsed;
      ctx.addIssue({
        code: 'custom',
        message: 'false, true, a number of hops, or a comma list of addresses, CIDR ranges or loopback',
      });
      return z.NEVER;
    }),
});
export type Env = z.infer<typeof EnvSchema>;

/** What createApp needs from the configuration. */
export interface AppConfig {
  publicUrl: string;
  sessionTtlMs: number;
  /** Default maximum concurrent chats per agent. */
  defaultCapacity: number;
  isProduction: boolean;
  /** How long a visitor token lasts unused [P24]; 90 days when absent. */
  visitorTokenTtlMs?: number;
  /** Which proxies to believe about the client's address [A4]; none when absent. */
  trustProxy?: TrustProxy;
}

/** Parses the environment or throws an Error listing every bad variable. */
export function parseEnv(env: NodeJS.ProcessEnv): Env {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration; fix these environment variables:\n${lines.join('\n')}`);
  }
  if (result.data.NODE_ENV === 'production' && !result.data.MONGODB_URL) {
    throw new Error('MONGODB_URL is required in production (the embedded database is for local runs).');
  }
  if (result.data.NODE_ENV === 'production' && new URL(result.data.PUBLIC_URL).protocol !== 'https:') {
    // Over http the session cookie cannot be Secure and travels in clear with every request.
    throw new Error(
      `PUBLIC_URL must be an https:// URL in production (got ${result.data.PUBLIC_URL}); terminate TLS in front of Hovor.`,
    );
  }
  return result.data;
}

/** Whether to serve the demo shop page: on request, and never in production. */
export function isDemoOn(env: Env): boolean {
  return env.DEMO === 'on' && env.NODE_ENV !== 'production';
}

export function toAppConfig(env: Env): AppConfig {
  return {
    publicUrl: new URL(env.PUBLIC_URL).origin,
    sessionTtlMs: env.SESSION_TTL_HOURS * 3_600_000,
    defaultCapacity: env.AGENT_CAPACITY,
    isProduction: env.NODE_ENV === 'production',
    visitorTokenTtlMs: env.VISITOR_TOKEN_TTL_DAYS * 24 * 3_600_000,
    trustProxy: env.TRUST_PROXY,
  };
}
