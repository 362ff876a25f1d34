import type { LauncherToLoader, LoaderToLauncher } from '@hovor/protocol';
import { chooseLocale, ENGLISH, type I18n, loadI18n, plural } from '../i18n.js';
import { loadAvailability } from './availability.js';
import { createLauncher, type LauncherView, type Outgoing } from './launcher.js';
import { loadLauncherConfig } from './launcher-config.js';
import { FRAME_SOURCE } from './protocol-copies.js';
import './launcher.css';

/** How often a page in view asks again what the site offers, when it wants to know [P22]. */
const AVAILABILITY_REFRESH_MS = 60_000;
const CHAT_ICON = 'M3 3h18v14H7l-4 4z';
const CLOSE_ICON =
  'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z';

/** Reads a message of the loader by hand (no zod on every page); its parts are parsed when used. */
function readLoaderMessage(data: unknown): LoaderToLauncher | null {
  const m = data as Partial<LoaderToLauncher> | null;
  if (typeof m !== 'object' || m?.source !== FRAME_SOURCE) return null;
  return m.type === 'init' ||
    m.type === 'chat' ||
    (m.type === 'call' && Array.isArray(m.args)) ||
    (m.type === 'page' && typeof m.url === 'string' && typeof m.title === 'string')
    ? (m as LoaderToLauncher)
    : null;
}

/**
 * Waits for the loader's `init`: only the parent window may send it and only the first counts;
 * its origin (an http(s) origin) is then the only origin the launcher talks to. Calls `onMessage`
 * with every later message of the loader.
 */
function connectToLoader(
  onMessage: (m: LoaderToLauncher) => void,
): Promise<{ hostOrigin: string; saved: string | null }> {
  return new Promise((resolve) => {
    let hostOrigin: string | null = null;
    addEventListener('message', (event) => {
      if (event.source !== parent || event.source === window) return;
      const m = readLoaderMessage(event.data);
      if (!m) return;
      if (hostOrigin === null) {
        if (m.type !== 'init' || !/^https?:\/\/[^/]+$/.test(event.origin)) return;
        hostOrigin = event.origin;
        resolve({ hostOrigin, saved: typeof m.saved === 'string' ? m.saved : null });
      } else if (event.origin === hostOrigin) {
        onMessage(m);
      }
    });
  });
}

async function main(): Promise<void> {
  const siteKey = new URLSearchParams(location.search).get('site');
  // The server serves this page only for a well-formed key (the protocol's `SiteKey`).
  if (!siteKey) return;
  // Messages that arrive while the config loads wait for the launcher.
  const early: LoaderToLauncher[] = [];
  let onMessage = (m: LoaderToLauncher) => {
    early.push(m);
  };
  const { hostOrigin, saved } = await connectToLoader((m) => onMessage(m));
  const post = (message: Outgoing<LauncherToLoader>) =>
    parent.postMessage({ ...message, source: FRAME_SOURCE }, hostOrigin);

  const config = await loadLauncherConfig(siteKey, hostOrigin);
  if (typeof config === 'string') {
    post({ type: 'console', level: 'error', text: `[Hovor] no chat for site "${siteKey}": ${config}` });
    return;
  }

  let i18n: I18n = ENGLISH;
  const button = document.createElement('button');
  button.type = 'button';
  // Assigned through the CSSOM, so an invalid colour is ignored rather than injected.
  button.style.background = config.color;
  const label = document.createElement('span');
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.setAttribute('aria-hidden', 'true');
  document.body.append(button);

  const localeOf = (view: LauncherView) => chooseLocale([view.locale, config.locale, ...navigator.languages]);
  const render = (view: LauncherView) => {
    const text = view.isOpen
      ? ''
      : (config.launcherTexts.find((t) => t.locale === i18n.locale)?.text ?? config.launcherText);
    document.body.className = `${view.side}${text ? ' text' : ''}`;
    document.documentElement.lang = i18n.locale;
    label.textContent = text;
    const unread = view.isOpen ? 0 : view.unread;
    const unreadLabel = unread > 0 ? plural(i18n, i18n.t.unread, unread) : '';
    // Named by what it shows (its words, else open or close), and the unread count, which the
    // badge shows: what is seen is in what is said.
    const name = text || (view.isOpen ? i18n.t.closeChat : i18n.t.openChat);
    button.setAttribute('aria-label', unreadLabel ? `${name}, ${unreadLabel}` : name);
    button.setAttribute('aria-expanded', String(view.isOpen));
    badge.textContent = unread > 0 ? (unread > 99 ? '99+' : String(unread)) : '';
    button.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="${view.isOpen ? CLOSE_ICON : CHAT_ICON}"/></svg>`;
    button.append(label, badge);
    const box = button.getBoundingClientRect();
    queueMicrotask(() => measured(box));
  };
  /** The frame's size: the button and 12 px around it, for its shadow, focus ring and badge. */
  const measured = (box: DOMRect) => launcher.resize(Math.ceil(box.width) + 24, Math.ceil(box.height) + 24);

  const launcher = createLauncher({
    siteKey,
    config,
    saved,
    post,
    render: (view) => {
      render(view);
      const locale = localeOf(view);
      if (locale === i18n.locale) return;
      void loadI18n(locale).then((loaded) => {
        i18n = loaded;
        render(launcher.view);
      });
    },
    titleText: (count) => plural(i18n, i18n.t.titleUnread, count),
    askAvailability: (departmentId) => {
      // Asked again a minute after the last question while the page is in view, so a hidden
      // launcher appears when agents come back; on coming into view, if the last is that old.
      askedAt = Date.now();
      clearTimeout(refreshTimer);
      refreshTimer = setTimeout(() => document.hidden || launcher.refresh(), AVAILABILITY_REFRESH_MS);
      return loadAvailability(siteKey, hostOrigin, departmentId, localeOf(launcher.view));
    },
  });
  let askedAt = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && Date.now() - askedAt >= AVAILABILITY_REFRESH_MS) launcher.refresh();
  });

  button.addEventListener('click', launcher.toggle);
  for (const type of ['pointerenter', 'focus', 'touchstart']) button.addEventListener(type, launcher.intent);
  // The loader focuses this frame when the chat closes: the focus goes on to the button.
  addEventListener('focus', () => document.activeElement === document.body && button.focus());

  // The schemas arrive with the first call or chat message; messages keep their order meanwhile.
  let parsers: Promise<typeof import('./parsers.js')> | undefined;
  let serial = Promise.resolve();
  const withParsers = (use: (p: typeof import('./parsers.js')) => void) => {
    parsers ??= import('./parsers.js');
    serial = serial.then(() => parsers!.then(use)).catch(() => undefined);
  };
  onMessage = (m) => {
    if (m.type === 'call') withParsers((p) => launcher.call(p.parsePageCall(m.args)));
    else if (m.type === 'page') launcher.page(m.url, m.title);
    else if (m.type === 'chat') {
      withParsers((p) => {
        const parsed = p.FrameToLoader.safeParse(m.message);
        if (parsed.success) launcher.chat(parsed.data);
      });
    }
  };
  i18n = await loadI18n(localeOf(launcher.view));
  launcher.start();
  // Measured again whenever the button's size changes, e.g. once a frame that was hidden while
  // the button was drawn is laid out.
  new ResizeObserver(() => measured(button.getBoundingClientRect())).observe(button);
  for (const m of early) onMessage(m);
}

void main();
