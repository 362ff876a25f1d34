import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS } from '@hovor/protocol';
import { AppError } from '../errors.js';

/** A clock difference tolerated between the site's backend and Hovor, in seconds. */
export const IDENTITY_CLOCK_SKEW_S = 60;
/**
 * The longest an identity token may still be valid, in seconds: a site's backend signs short-lived
 * tokens on each page load, so one that lives for years is a leaked master key, not a session.
 */
export const IDENTITY_MAX_LIFETIME_S = 24 * 3600;
/** The shortest identity secret a site may sign with (HS256 wants at least 256 bits). */
export const MIN_IDENTITY_SECRET_CHARS = 32;
/** A site's user id as the `sub` claim carries it. */
const MAX_USER_ID_CHARS = 200;

/** Who the site's backend says the visitor is [P19]. */
export interface VerifiedIdentity {
  userId: string;
  name: string | null;
  email: string | null;
}

const refuse = (why: string): never => {
  throw new AppError('FORBIDDEN', `Identity token refused: ${why}`);
};

function decodeJson(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // refused below
  }
  return refuse('not a JWT');
}

const optionalText = (value: unknown, max: number, claim: string): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length > max)
    return refuse(`${claim} must be a string of at most ${max} characters`);
  return value.trim() || null;
};

/**
 * Verifies a JWT the site's backend signed with the site's identity secret: HS256 only (the
 * header cannot choose another algorithm), a signature compared in constant time, `exp` required
 * and not past nor more than IDENTITY_MAX_LIFETIME_S away, `nbf` and `iat` not in the future (each
 * with `IDENTITY_CLOCK_SKEW_S`), `aud` and `iss` as the site expects when it sets them, `sub` the
 * user id. Anything else is UNAUTHORIZED with the reason.
 */
export function verifyIdentityToken(
  token: string,
  secret: string,
  nowMs: number,
  site: { audience?: string | null; issuer?: string | null } = {},
): VerifiedIdentity {
  const parts = token.split('.');
  if (parts.length !== 3) return refuse('not a JWT');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart);
  if (header.alg !== 'HS256') return refuse('only HS256 is accepted');
  const expected = createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest();
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return refuse('bad signature');
  const claims = decodeJson(payloadPart);
  const now = nowMs / 1000;
  if (typeof claims.exp !== 'number') return refuse('exp is required');
  if (claims.exp + IDENTITY_CLOCK_SKEW_S < now) return refuse('expired');
  if (claims.exp - now > IDENTITY_MAX_LIFETIME_S + IDENTITY_CLOCK_SKEW_S) {
    return refuse(`exp is more than ${IDENTITY_MAX_LIFETIME_S / 3600} hours away; sign short-lived tokens`);
  }
  if (site.audience) {
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(site.audience)) return refuse(`aud must include "${site.audience}"`);
  }
  if (site.issuer && claims.iss !== site.issuer) return refuse(`iss must be "${site.issuer}"`);
  for (const claim of ['nbf', 'iat'] as const) {
    const at = claims[claim];
    if (at !== undefined && (typeof at !== 'number' || at - IDENTITY_CLOCK_SKEW_S > now)) {
      return refuse(`${claim} is in the future`);
    }
  }
  const userId = claims.sub;
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID_CHARS) {
    return refuse(`sub must be the user's id, 1-${MAX_USER_ID_CHARS} characters`);
  }
  return {
    userId,
    name: optionalText(claims.name, MAX_NAME_CHARS, 'name'),
    email: optionalText(claims.email, MAX_EMAIL_CHARS, 'email'),
  };
}

/** Signs claims as a site's backend does; for tests, the demo and the README's example. */
export function signIdentityToken(claims: Record<string, unknown>, secret: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
