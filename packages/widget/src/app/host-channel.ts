import { FRAME_SOURCE, type FrameToLoader, LoaderToFrame, Origin } from '@hovor/protocol';

/** A `FrameToLoader` message without its `source`, which `post` adds. */
type Outgoing<M = FrameToLoader> = M extends unknown ? Omit<M, 'source'> : never;

/** The frame's link to the loader on the host page, once the loader has introduced itself. */
export interface HostChannel {
  /** The host page's exact origin, learned from the loader's `init` message. */
  hostOrigin: string;
  post(message: Outgoing): void;
  /** Calls `listener` when the loader tells that the chat was opened; returns its disposer. */
  onOpened(listener: () => void): () => void;
}

/**
 * Waits for the loader's `init`. Only the parent window may send it and only the first one
 * counts: its origin is then the only origin the frame talks to.
 */
export function connectToHost(win: Window = window): Promise<HostChannel> {
  return new Promise((resolve) => {
    const onInit = (event: MessageEvent) => {
      if (event.source !== win.parent || event.source === win) return;
      const parsed = LoaderToFrame.safeParse(event.data);
      if (!parsed.success || parsed.data.type !== 'init' || !Origin.safeParse(event.origin).success) return;
      win.removeEventListener('message', onInit);
      const hostOrigin = event.origin;
      resolve({
        hostOrigin,
        post: (message) => win.parent.postMessage({ ...message, source: FRAME_SOURCE }, hostOrigin),
        onOpened(listener) {
          const onMessage = (e: MessageEvent) => {
            if (e.source !== win.parent || e.origin !== hostOrigin) return;
            const m = LoaderToFrame.safeParse(e.data);
            if (m.success && m.data.type === 'opened') listener();
          };
          win.addEventListener('message', onMessage);
          return () => win.removeEventListener('message', onMessage);
        },
      });
    };
    win.addEventListener('message', onInit);
  });
}
