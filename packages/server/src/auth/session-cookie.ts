import type { CookieOptions } from 'express';
import { readCookie } from './auth.service.js';

/** The agent's session cookie; one instance per app, decided by the public URL's scheme (app.ts). */
export interface SessionCookie {
  name: string;
  /** Attributes for setting and clearing it (the expiry is the caller's). */
  options: CookieOptions;
  /** The session token in a Cookie header, if any. */
  read(header: string | undefined): string | undefined;
}

/**
 * Over https the cookie carries the `__Host-` prefix: browsers then accept it only when it is
 * Secure, for Path=/ and without Domain, so neither a sibling subdomain nor a plain-http page
 * of the same host can plant or shadow an agent's session. Plain http (local runs) cannot set
 * Secure cookies, hence the bare name there.
 */
export function createSessionCookie({ isSecure }: { isSecure: boolean }): SessionCookie {
  const name = isSecure ? '__Host-hovor_session' : 'hovor_session';
  return {
    name,
    options: { httpOnly: true, sameSite: 'strict', secure: isSecure, path: '/' },
    read: (header) => readCookie(header, name),
  };
}
