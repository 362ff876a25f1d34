// The launcher loads on every page of a site, so it imports only types from the protocol (a value
// import would bring the protocol's schemas and zod along); `protocol-copies.test.ts` keeps these
// copies equal to the protocol's constants.

/** `FRAME_SOURCE` of the protocol. */
export const FRAME_SOURCE = 'hovor';
/** `API_PREFIX` of the protocol. */
export const API_PREFIX = '/api/v1';
/** `MAX_ATTRIBUTES` of the protocol. */
export const MAX_ATTRIBUTES = 20;
/** `MAX_PAGE_URL_CHARS` and `MAX_PAGE_TITLE_CHARS` of the protocol. */
export const MAX_PAGE_URL_CHARS = 2048;
export const MAX_PAGE_TITLE_CHARS = 300;
