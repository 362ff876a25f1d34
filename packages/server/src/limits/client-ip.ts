import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * Which proxies in front of Hovor to believe about the client's address (`X-Forwarded-For`):
 * none (`false`), all (`true`), the nearest `n` hops, or the addresses, CIDR ranges and names
 * (`loopback`, `linklocal`, `uniquelocal`) of the trusted proxies. As Express's `trust proxy`.
 */
export type TrustProxy = boolean | number | string[];

/** Who may set `X-Forwarded-For`, for the address a limit counts by [A4]. */
export type TrustFn = (address: string, hop: number) => boolean;

/** Reads TRUST_PROXY: `false`, `true`, a number of hops, or a comma list; null when malformed. */
export function parseTrustProxy(value: string): TrustProxy | null {
  const text = value.trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const list = text.split(',').map((part) => part.trim());
  if (list.some((part) => part === '')) return null;
  try {
    proxyaddr.compile(list);
    return list;
  } catch {
    return null;
  }
}

/**
 * The one trust function, compiled as Express compiles its `trust proxy` setting; given to Express
 * (for `req.ip`) and to the Socket.IO handshakes alike, so both see the same client address.
 */
export function compileTrust(setting: TrustProxy): TrustFn {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return proxyaddr.compile(setting);
}

/** The client's address of a request (a Socket.IO handshake's), behind the trusted proxies only. */
export function clientIp(request: IncomingMessage, trust: TrustFn): string {
  // A request whose connection is already gone has no address left to read.
  if (!request.socket?.remoteAddress) return 'unknown';
  return proxyaddr(request, trust);
}
