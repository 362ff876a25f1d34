import type {
  Availability,
  FrameToLoader,
  LauncherToLoader,
  LoaderToFrame,
  PageCall,
  PageEvent,
  VisitorAttributes,
} from '@hovor/protocol';
import type { LauncherConfig } from './launcher-config.js';
import { FRAME_SOURCE, MAX_ATTRIBUTES, MAX_PAGE_TITLE_CHARS, MAX_PAGE_URL_CHARS } from './protocol-copies.js';

/** A message without its `source`, which `post` adds. */
export type Outgoing<M> = M extends unknown ? Omit<M, 'source'> : never;

/** What the launcher shows and where; `main.ts` draws it. */
export interface LauncherView {
  side: 'left' | 'right';
  isShown: boolean;
  isOpen: boolean;
  unread: number;
  /** The page's language choice (`Hovor('setLocale')`), else the site's; the browser's after. */
  locale: string | null;
}

export interface LauncherDeps {
  siteKey: string;
  config: LauncherConfig;
  /** What the launcher saved on the last page (`save`), as the loader read it; null: nothing. */
  saved: string | null;
  post(message: Outgoing<LauncherToLoader>): void;
  render(view: LauncherView): void;
  /** The page title's flashing text for `count` unread messages, in the launcher's language. */
  titleText(count: number): string;
  /** Asks the server what the site (or the department) offers now; null when it cannot tell [P22]. */
  askAvailability(departmentId: string | null): Promise<Availability | null>;
}

/**
 * What the launcher keeps from page to page: whether a conversation is going on and whether the
 * chat was open. The loader keeps it in the host page's storage, since a third-party frame's
 * storage may be blocked; it says nothing of the conversation itself.
 */
export const savedState = (isActive: boolean, isOpen: boolean) =>
  isActive ? (isOpen ? 'active open' : 'active') : '';

/**
 * The launcher's state and the page API: it holds what the page set (department, language),
 * whether the chat is shown and open, and the unread count; it decides when the chat frame is
 * loaded and tells it the page's settings once it is ready. Every change is drawn (`render`) and
 * sent to the loader as one `layout` message.
 */
export function createLauncher(deps: LauncherDeps) {
  const { siteKey } = deps;
  const saved = deps.saved?.split(' ') ?? [];
  let isActive = saved.includes('active');
  const view: LauncherView = {
    side: deps.config.position,
    isShown: true,
    // A conversation going on: back as the visitor left it on the last page.
    isOpen: isActive && saved.includes('open'),
    unread: 0,
    locale: null,
  };
  /** Loaded on intent, or at once when a conversation is going on (for its unread messages). */
  let hasChat = isActive;
  let isChatReady = false;
  let departmentId: string | null | undefined;
  let hasReportedChatError = false;
  let size = { width: 0, height: 0 };
  /** Who the page says the visitor is, and its attributes so far (null: removed) [P19]. */
  let identity: string | null = null;
  let attributes: VisitorAttributes = {};
  /** What the site offers now, as the launcher or the chat last learned; null: not known [P22]. */
  let availability: Availability | null = null;
  /** Whether it is asked before any chat: the site hides while offline, or the page listens. */
  let wantsAvailability = deps.config.hidesWhenOffline;
  let isStarted = false;
  let questions = 0;
  /** A site that may hide: the launcher waits for the first answer rather than flash in and out. */
  let isAwaitingAvailability = deps.config.hidesWhenOffline && !isActive;
  /** The page the visitor is on, for the chat to record [P18]; only http(s) pages are. */
  let page: { url: string; title: string } | null = null;
  const toChatPage = () => page && toChat({ type: 'page', ...page });

  const toChat = (message: Outgoing<LoaderToFrame>) =>
    isChatReady &&
    deps.post({ type: 'chat', message: { ...message, source: FRAME_SOURCE } as LoaderToFrame });
  const emit = (name: PageEvent, data?: unknown) => deps.post({ type: 'emit', name, data });
  const save = () => deps.post({ type: 'save', value: savedState(isActive, view.isOpen) });

  function layout(): void {
    deps.render(view);
    const locale = view.locale ?? '';
    deps.post({
      type: 'layout',
      side: view.side,
      width: size.width,
      height: size.height,
      // A site that hides while offline hides the launcher then, unless a chat goes on [P22].
      isShown:
        view.isShown &&
        (view.isOpen || isActive || (!isAwaitingAvailability && availability?.mode !== 'hidden')),
      isOpen: view.isOpen,
      // `identified`: the chat waits for the identity before it connects, so it connects once.
      chat: hasChat
        ? `site=${encodeURIComponent(siteKey)}${locale ? `&locale=${encodeURIComponent(locale)}` : ''}${
            identity ? '&identified=1' : ''
          }`
        : null,
    });
  }

  function setOpen(isOpen: boolean): void {
    if (isOpen === view.isOpen) return;
    view.isOpen = isOpen;
    hasChat ||= isOpen;
    save();
    layout();
    toChat({ type: isOpen ? 'opened' : 'closed' });
    emit(isOpen ? 'open' : 'close');
  }

  /** A new availability: drawn, and told to the page once per change [P22]. */
  function learn(next: Availability | null): void {
    const isSame = next?.mode === availability?.mode && next?.offlineText === availability?.offlineText;
    const wasAwaiting = isAwaitingAvailability;
    // Known now, or not to be known: shown when the site is not hiding, or the server could not say.
    isAwaitingAvailability = false;
    if (next) availability = next;
    if (next && !isSame) {
      layout();
      emit('availability', next);
    } else if (wasAwaiting) layout();
  }

  /** Asks what the site offers, when wanted; of overlapping questions the last one's answer counts. */
  async function ask(): Promise<void> {
    if (!wantsAvailability || !isStarted) return;
    const question = ++questions;
    const answer = await deps.askAvailability(departmentId ?? null);
    if (question === questions) learn(answer);
  }

  function setUnread(count: number): void {
    if (count === view.unread) return;
    view.unread = count;
    layout();
    deps.post({ type: 'title', text: count > 0 ? deps.titleText(count) : null });
    emit('unread', { count });
  }

  return {
    view,
    /** A call of `Hovor(...)` the page made, checked by the protocol's `parsePageCall`. */
    call(parsed: { call: PageCall } | { warning: string }): void {
      if ('warning' in parsed) {
        deps.post({ type: 'console', level: 'warn', text: parsed.warning });
        return;
      }
      const { call } = parsed;
      switch (call[0]) {
        case 'open':
        case 'close':
          setOpen(call[0] === 'open');
          break;
        case 'toggle':
          setOpen(!view.isOpen);
          break;
        case 'show':
        case 'hide':
          view.isShown = call[0] === 'show';
          layout();
          break;
        case 'setDepartment':
          departmentId = call[1];
          toChat({ type: 'department', departmentId: call[1] });
          void ask();
          break;
        case 'setLocale':
          view.locale = call[1];
          layout();
          toChat({ type: 'locale', locale: call[1] });
          break;
        case 'identify':
          identity = call[1].token;
          toChat({ type: 'identify', token: identity });
          break;
        case 'setAttributes': {
          const merged = { ...attributes, ...call[1] };
          const count = Object.values(merged).filter((value) => value !== null).length;
          if (count > MAX_ATTRIBUTES) {
            deps.post({
              type: 'console',
              level: 'warn',
              text: `[Hovor] ignored Hovor('setAttributes', …): a visitor has at most ${MAX_ATTRIBUTES} attributes`,
            });
            break;
          }
          attributes = merged;
          toChat({ type: 'attributes', attributes: call[1] });
          break;
        }
        case 'reset':
          identity = null;
          attributes = {};
          isActive = false;
          save();
          toChat({ type: 'reset' });
          setUnread(0);
          layout();
          break;
        case 'on':
          // The loader keeps the callback; the call only had to be checked. A page that listens
          // for the availability learns it before any chat.
          if (call[1] === 'availability' && !wantsAvailability) {
            wantsAvailability = true;
            void ask();
          }
          break;
      }
    },
    /** A message of the chat frame, passed on by the loader. */
    chat(m: FrameToLoader): void {
      if (m.type === 'ready') {
        isChatReady = true;
        // Who the visitor is first: the chat connects once it knows.
        if (identity) toChat({ type: 'identify', token: identity });
        if (Object.keys(attributes).length > 0) toChat({ type: 'attributes', attributes });
        toChat({ type: view.isOpen ? 'opened' : 'closed' });
        if (departmentId !== undefined) toChat({ type: 'department', departmentId });
        if (view.locale) toChat({ type: 'locale', locale: view.locale });
        toChatPage();
      } else if (m.type === 'close') {
        setOpen(false);
      } else if (m.type === 'conversation') {
        isActive = m.isActive;
        save();
        layout();
      } else if (m.type === 'unread') {
        setUnread(m.count);
      } else if (m.type === 'event' && m.name === 'availability') {
        questions++; // newer than any answer still on its way
        learn(m.data);
      } else if (m.type === 'event') {
        emit(m.name, m.data);
      } else if (m.type === 'error' && !hasReportedChatError) {
        hasReportedChatError = true;
        deps.post({ type: 'console', level: 'error', text: `[Hovor] chat failed (${m.code}): ${m.message}` });
      }
    },
    /** The page's address or title changed (or the page loaded). */
    page(url: string, title: string): void {
      page = /^https?:\/\//.test(url)
        ? { url: url.slice(0, MAX_PAGE_URL_CHARS), title: title.slice(0, MAX_PAGE_TITLE_CHARS) }
        : null;
      toChatPage();
    },
    /** The visitor clicked the launcher. */
    toggle: () => setOpen(!view.isOpen),
    /** The visitor is about to click (hover, focus): load the chat so it opens at once. */
    intent(): void {
      if (hasChat) return;
      hasChat = true;
      layout();
    },
    /** The launcher's button was drawn at this size (its shadow included). */
    resize(width: number, height: number): void {
      if (width === size.width && height === size.height) return;
      size = { width, height };
      layout();
    },
    /** Asks again what the site offers (the page is in view again, or a while has passed) [P22]. */
    refresh: () => void ask(),
    /** Draws the launcher for the first time and tells the page it is ready. */
    start(): void {
      isStarted = true;
      layout();
      emit('ready');
      void ask();
    },
  };
}
export type Launcher = ReturnType<typeof createLauncher>;
