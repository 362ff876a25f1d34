/**
 * Version of the wire protocol between widget/console and server.
 * Bump it on any incompatible change of a schema in this package; the server answers a
 * different version at handshake with `CLIENT_TOO_OLD` or `SERVER_TOO_OLD`.
 */
export const PROTOCOL_VERSION = 2;
