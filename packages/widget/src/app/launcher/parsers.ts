// The launcher's zod schemas, loaded the first time the page calls `Hovor(...)` or the chat frame
// speaks: a page that only shows the launcher never downloads zod (it shares this chunk with the
// chat frame, which needs it anyway).
export { FrameToLoader, parsePageCall } from '@hovor/protocol';
