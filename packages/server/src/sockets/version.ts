import { PROTOCOL_VERSION } from '@hovor/protocol';
import { AppError } from '../errors.js';

/** Answers a client whose protocol version differs, telling which side must update. */
export function checkProtocolVersion(version: number): void {
  if (version < PROTOCOL_VERSION) {
    throw new AppError(
      'CLIENT_TOO_OLD',
      `Client protocol ${version} is older than the server's ${PROTOCOL_VERSION}; reload the page`,
    );
  }
  if (version > PROTOCOL_VERSION) {
    throw new AppError(
      'SERVER_TOO_OLD',
      `Client protocol ${version} is newer than the server's ${PROTOCOL_VERSION}`,
    );
  }
}
