import { Decoder, Encoder } from 'socket.io-parser';

/**
 * Deepest nesting of arrays and objects a frame may carry. Hovor's deepest input (visitor
 * attributes inside a command) nests 3 levels; a frame of 100,000 nested brackets would otherwise
 * cost JSON.parse tens of milliseconds of CPU before anyone is authenticated.
 */
export const MAX_FRAME_DEPTH = 16;
/**
 * Largest namespace CONNECT packet (the handshake's `auth`: token, site, origin, identity token of
 * at most 4 KiB). A bigger one is refused before it is parsed; other frames stay under the
 * engine's MAX_SOCKET_FRAME_BYTES.
 */
export const MAX_CONNECT_PACKET_CHARS = 8 * 1024;

/**
 * How deep a packet's JSON nests, counted without parsing (brackets inside strings do not
 * count); stops counting once past `limit`.
 */
export function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: the next character is escaped
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return deepest;
}

/**
 * The Socket.IO parser with two checks before any JSON is parsed: a namespace CONNECT packet (the
 * handshake, sent before anyone is authenticated) is small, and no packet nests deeper than
 * MAX_FRAME_DEPTH. A packet that fails either closes the connection (Socket.IO's answer to a
 * packet it cannot decode), having cost a linear scan.
 */
class GuardedDecoder extends Decoder {
  override add(packet: unknown): void {
    if (typeof packet === 'string') {
      // A packet's first character is its type; 0 is CONNECT.
      if (packet.startsWith('0') && packet.length > MAX_CONNECT_PACKET_CHARS) {
        throw new Error('handshake packet too large');
      }
      if (jsonDepth(packet, MAX_FRAME_DEPTH) > MAX_FRAME_DEPTH) throw new Error('packet nests too deep');
    }
    super.add(packet);
  }
}

/** What `new Server(http, { parser })` takes. */
export const guardedParser = { Encoder, Decoder: GuardedDecoder };
