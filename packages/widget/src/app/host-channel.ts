import {
  FRAME_SOURCE,
  type FrameToLoader,
  LoaderToFrame,
  Origin,
  type VisitorAttributes,
} from '@hovor/protocol';

/** A `FrameToLoader` message without its `source`, which `post` adds. */
type Outgoing<M = FrameToLoader> = M extends unknown ? Omit<M, 'source'> : never;

/** The frame's link to the loader on the host page, once the loader has introduced itself. */
export interface HostChannel {
  /** The host page's exact origin, learned from the loader's `init` message. */
  hostOrigin: string;
  /** The latest `Hovor('setDepartment', id)` of the page; null for the site's general queue. */
  departmentId: string | null;
  /** Whether the chat is open on the page, as the loader last said. */
  isOpen: boolean;
  post(message: Outgoing): void;
  /** Calls `listener` when the loader tells that the chat was opened; returns its disposer. */
  onOpened(listener: () => void): () => void;
  /** Calls `listener` when the loader tells that the chat was minimised; returns its disposer. */
  onClosed(listener: () => void): () => void;
  /** Calls `listener` when the page sets another department; returns its disposer. */
  onDepartment(listener: () => void): () => void;
  /** The page the visitor is on, as the launcher last said; null before it did [P18]. */
  page: { url: string; title: string } | null;
  /** Calls `listener` when the visitor is on another page; returns its disposer. */
  onPage(listener: () => void): () => void;
  /** The site's identity token of the visitor (`Hovor('identify')`); null: anonymous [P19]. */
  identity: string | null;
  /** Calls `listener` when the page identifies the visitor; returns its disposer. */
  onIdentity(listener: () => void): () => void;
  /** Calls `listener` with each `Hovor('setAttributes')` change; returns its disposer. */
  onAttributes(listener: (attributes: VisitorAttributes) => void): () => void;
  /** Calls `listener` on `Hovor('reset')` (the identity is forgotten first); returns its disposer. */
  onReset(listener: () => void): () => void;
  /** Calls `listener` with the language the page set (`Hovor('setLocale')`); returns its disposer. */
  onLocale(listener: (locale: string) => void): () => void;
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
      const listeners = new Set<(message: LoaderToFrame) => void>();
      const on = (type: LoaderToFrame['type'], listener: (m: LoaderToFrame) => void) => {
        const onMessage = (m: LoaderToFrame) => m.type === type && listener(m);
        listeners.add(onMessage);
        return () => {
          listeners.delete(onMessage);
        };
      };
      const channel: HostChannel = {
        hostOrigin,
        departmentId: null,
        isOpen: false,
        page: null,
        identity: null,
        post: (message) => win.parent.postMessage({ ...message, source: FRAME_SOURCE }, hostOrigin),
        onOpened: (listener) => on('opened', listener),
        onClosed: (listener) => on('closed', listener),
        onDepartment: (listener) => on('department', listener),
        onPage: (listener) => on('page', listener),
        onIdentity: (listener) => on('identify', listener),
        onAttributes: (listener) =>
          on('attributes', (m) => m.type === 'attributes' && listener(m.attributes)),
        onReset: (listener) => on('reset', listener),
        onLocale: (listener) => on('locale', (m) => m.type === 'locale' && listener(m.locale)),
      };
      // Listening from `init` on, so a department set before anyone subscribed is kept.
      win.addEventListener('message', (e) => {
        if (e.source !== win.parent || e.origin !== hostOrigin) return;
        const m = LoaderToFrame.safeParse(e.data);
        if (!m.success) return;
        if (m.data.type === 'department') channel.departmentId = m.data.departmentId;
        if (m.data.type === 'page') channel.page = { url: m.data.url, title: m.data.title };
        if (m.data.type === 'identify') channel.identity = m.data.token;
        if (m.data.type === 'reset') channel.identity = null;
        if (m.data.type === 'opened' || m.data.type === 'closed') channel.isOpen = m.data.type === 'opened';
        for (const listener of listeners) listener(m.data);
      });
      resolve(channel);
    };
    win.addEventListener('message', onInit);
  });
}
