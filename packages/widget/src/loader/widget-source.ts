/** `FRAME_SOURCE` of the protocol; `hovor-api.test.ts` keeps the copy equal. */
export const SOURCE = 'hovor';
