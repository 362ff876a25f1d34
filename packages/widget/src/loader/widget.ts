import type { LauncherToLoader } from '@hovor/protocol';
// `window.Hovor` is declared by the published types, which public-types.test.ts keeps equal to hovor-api's.
import type {} from '../../public-types/hovor.js';
import { createHovor, emit, type Listeners, replayQueue } from './hovor-api.js';
import { SOURCE } from './widget-source.js';

// The loader only places Hovor's two frames and passes messages between them and the page: the
// launcher frame (the button, always there) and the chat frame (loaded on intent). Everything
// else, checking API calls included, happens in the frames on Hovor's origin, where the page's
// styles and replaced built-ins cannot reach (ADR 0011).

// In a shadow root, so the page's CSS cannot reach it. Frames stay 0×0 until the launcher says
// its size. The chat sits above the launcher; narrow screens get all of it.
const CSS =
  'iframe{position:fixed;border:0;color-scheme:normal;right:8px;bottom:8px;width:0;height:0}' +
  '.c{right:20px;bottom:88px;width:370px;height:560px;max-height:calc(100% - 108px);' +
  'border-radius:12px;box-shadow:0 8px 28px #0004;background:#fff}' +
  '.left iframe{right:auto;left:8px}.left .c{left:20px}' +
  '@media(max-width:480px){.c,.left .c{inset:0;width:100%;height:100%;max-height:none;border-radius:0}}';

function boot(): void {
  // The snippet is a classic script, so this is its tag while it runs (async or not).
  const script = document.currentScript as HTMLScriptElement | null;
  const site = script?.dataset.site;
  if (!script || !site) {
    // biome-ignore lint/suspicious/noConsole: the host page's console is the only place to tell its developer why the widget is missing
    console.error('[Hovor] widget.js needs data-site="SITE_KEY"');
    return;
  }
  const origin = new URL(script.src).origin;
  const frameUrl = (name: string, query: string) => `${origin}/widget/${name}.html?${query}`;
  const listeners: Listeners = {};
  const savedKey = `hovor:${site}`;
  /** Messages for the launcher until it has loaded. */
  const queue: unknown[] = [];
  let launcher: HTMLIFrameElement | undefined;
  let chat: HTMLIFrameElement | undefined;
  let isLauncherLoaded = false;
  let titleTimer: ReturnType<typeof setInterval> | undefined;
  let pageTitle = '';
  let flashText: string | null = null;
  let fitChat = () => {};

  const post = (frame: HTMLIFrameElement | undefined, message: object) => {
    try {
      frame?.contentWindow?.postMessage(message, origin);
    } catch {
      // biome-ignore lint/suspicious/noConsole: a call with something that cannot be posted (a DOM node, a function)
      console.warn('[Hovor] ignored a call whose arguments cannot be sent');
    }
  };
  const toLauncher = (message: object) => {
    if (isLauncherLoaded) post(launcher, message);
    else queue[queue.length] = message;
  };

  const hovor = createHovor((args) => toLauncher({ source: SOURCE, type: 'call', args }), listeners);
  const stub = window.Hovor;
  window.Hovor = hovor;
  replayQueue(stub, hovor);

  const frame = (name: string, query: string, title: string) => {
    const el = document.createElement('iframe');
    el.src = frameUrl(name, query);
    el.title = title;
    return el;
  };

  /** Flashes the page's title with `text` (null stops), keeping up with a title the page changes. */
  const flashTitle = (text: string | null) => {
    clearInterval(titleTimer);
    if (flashText && document.title === flashText) document.title = pageTitle;
    flashText = text;
    if (text) {
      titleTimer = setInterval(() => {
        if (document.title === text) document.title = pageTitle;
        else {
          pageTitle = document.title;
          document.title = text;
        }
      }, 1000);
    }
  };

  const onLauncherMessage = (m: LauncherToLoader, host: HTMLElement, box: HTMLElement) => {
    if (m.type === 'layout') {
      box.className = m.side;
      launcher!.style.width = `${m.width}px`;
      launcher!.style.height = `${m.height}px`;
      launcher!.hidden = !m.isShown;
      if (m.chat && !chat) {
        chat = frame('frame', m.chat, 'Hovor chat');
        chat.className = 'c';
        chat.hidden = true;
        chat.addEventListener('load', () => post(chat, { source: SOURCE, type: 'init' }));
        box.appendChild(chat);
        fitChat();
      }
      if (chat && chat.hidden === m.isOpen) {
        const hasFocus = document.activeElement === host;
        chat.hidden = !m.isOpen;
        // A cross-origin frame may not take the focus by itself: the page gives it. Closing gives
        // it back to the launcher, if it was in the chat.
        if (m.isOpen) chat.focus();
        else if (hasFocus) launcher!.focus();
      }
    } else if (m.type === 'chat') post(chat, m.message);
    else if (m.type === 'emit') emit(listeners, m.name, m.data);
    else if (m.type === 'title') flashTitle(m.text);
    else if (m.type === 'save') {
      try {
        localStorage.setItem(savedKey, m.value);
      } catch {
        // Storage blocked: the next page starts with the chat closed.
      }
    }
    // biome-ignore lint/suspicious/noConsole: the frames' warnings and errors are for the page's developer
    else if (m.type === 'console') console[m.level === 'warn' ? 'warn' : 'error'](m.text);
  };

  const start = () => {
    const host = document.createElement('div');
    host.style.cssText = 'position:fixed;z-index:2147483647';
    const root = host.attachShadow({ mode: 'open' });
    // A constructed style sheet, not a <style> element: a page whose CSP allows no inline
    // styles (style-src without 'unsafe-inline') still styles the frames.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    const box = document.createElement('div');
    launcher = frame('launcher', `site=${encodeURIComponent(site)}`, 'Hovor launcher');
    launcher.addEventListener('load', () => {
      isLauncherLoaded = true;
      let saved: string | null = null;
      try {
        saved = localStorage.getItem(savedKey);
      } catch {}
      post(launcher, { source: SOURCE, type: 'init', saved });
      for (let i = 0; i < queue.length; i++) post(launcher, queue[i] as object);
      queue.length = 0;
    });
    box.appendChild(launcher);
    root.appendChild(box);
    (document.body || document.documentElement).appendChild(host);

    // The page the visitor is on, for the agents: polled, so a single-page app's navigations
    // (pushState, hash changes) count without touching the page's history API.
    let lastPage = '';
    const track = () => {
      const title = flashText && document.title === flashText ? pageTitle : document.title;
      const page = `${location.href} ${title}`;
      if (page === lastPage) return;
      lastPage = page;
      toLauncher({ source: SOURCE, type: 'page', url: location.href, title });
    };
    track();
    setInterval(track, 1000);

    // Full screen on a phone is the visual viewport: iOS does not shrink the layout viewport for
    // its keyboard, so without this the message box would sit behind it.
    const viewport = window.visualViewport;
    const fit = () => {
      if (chat && viewport) {
        chat.style.cssText =
          innerWidth > 480 ? '' : `top:${viewport.offsetTop}px;height:${viewport.height}px;bottom:auto`;
      }
    };
    viewport?.addEventListener('resize', fit);
    viewport?.addEventListener('scroll', fit);
    fitChat = fit;

    addEventListener('message', (event) => {
      const m = event.data as LauncherToLoader | null;
      if (event.origin !== origin || m?.source !== SOURCE) return;
      if (chat && event.source === chat.contentWindow)
        toLauncher({ source: SOURCE, type: 'chat', message: m });
      else if (event.source === launcher!.contentWindow) onLauncherMessage(m, host, box);
    });
  };

  // Nothing happens before the page is idle: the page's own work comes first.
  if ('requestIdleCallback' in window) requestIdleCallback(start, { timeout: 3000 });
  else setTimeout(start, 1);
}

boot();
