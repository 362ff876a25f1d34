import type { LoaderToFrame } from '@hovor/protocol';
// `window.Hovor` is declared by the published types, which public-types.test.ts keeps equal to hovor-api's.
import type {} from '../../public-types/hovor.js';
import { API_PATH, configErrorText, readFrameMessage, readWidgetConfig, SOURCE } from './frame-messages.js';
import { createEmitter, createHovor, replayQueue } from './hovor-api.js';

/** A `LoaderToFrame` message without its `source`, which `post` adds. */
type Outgoing = LoaderToFrame extends infer M ? (M extends unknown ? Omit<M, 'source'> : never) : never;

const CHAT_ICON = 'M3 3h18v14H7l-4 4z';
// A plus turned by 45°: an "×" in fewer bytes than its outline.
const CLOSE_ICON = 'M11 4h2v16h-2zM4 11h16v2H4z" transform="rotate(45 12 12)';

// Styles live in a shadow root, so the host page's CSS cannot reach them and ours
// cannot leak out. The frame sits above the launcher; narrow screens get the full width.
const CSS =
  'button,iframe{position:fixed;right:20px;border:0}' +
  'button{bottom:20px;width:56px;height:56px;padding:0;border-radius:50%;' +
  'cursor:pointer;display:grid;place-items:center;box-shadow:0 4px 12px #0005}' +
  'svg{width:28px;fill:#fff}' +
  'iframe{bottom:88px;width:370px;height:560px;max-height:calc(100vh - 108px);' +
  'border-radius:12px;background:#fff;box-shadow:0 8px 28px #0004}' +
  '@media(max-width:480px){iframe{right:0;bottom:84px;width:100vw;height:calc(100vh - 84px);max-height:none;border-radius:0}}';

function report(text: string): void {
  // biome-ignore lint/suspicious/noConsole: the host page's console is the only place to tell its developer why the widget is missing
  console.error(text);
}

function boot(): void {
  // The snippet is a classic script, so this is its tag while it runs (async or not).
  const script = document.currentScript as HTMLScriptElement | null;
  const siteKey = script?.dataset.site;
  if (!script || !siteKey) {
    report('[Hovor] widget.js needs data-site="SITE_KEY"');
    return;
  }
  const origin = new URL(script.src).origin;
  const activeKey = `hovor:${siteKey}:active`;
  const emitter = createEmitter();
  let button: HTMLButtonElement | undefined;
  let root: ShadowRoot | undefined;
  let frame: HTMLIFrameElement | undefined;
  let isOpen = false;
  let isReady = false;
  let isFailed = false;
  let hasReportedFrameError = false;
  /** From `Hovor('setDepartment', id)`; undefined while the page never set one. */
  let departmentId: string | null | undefined;

  // Object.assign, not a spread: es2017 would get esbuild's spread helper, ~200 B.
  const post = (message: Outgoing) =>
    frame?.contentWindow?.postMessage(Object.assign({ source: SOURCE }, message), origin);
  // A frame that is not ready yet gets the department with its `ready` instead.
  const postDepartment = () =>
    isReady && departmentId !== undefined && post({ type: 'department', departmentId });

  const render = () => {
    if (!button || !root) return;
    if (isOpen && !frame) {
      frame = document.createElement('iframe');
      // Only the public site key goes in the URL; the frame keeps its own visitor token.
      frame.src = `${origin}/widget/frame.html?site=${encodeURIComponent(siteKey)}`;
      frame.title = 'Hovor chat';
      frame.addEventListener('load', () => {
        isReady = false;
        post({ type: 'init' });
      });
      root.appendChild(frame);
    }
    button.setAttribute('aria-label', isOpen ? 'Close chat' : 'Open chat');
    button.setAttribute('aria-expanded', String(isOpen));
    button.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="${isOpen ? CLOSE_ICON : CHAT_ICON}"/></svg>`;
    if (frame) frame.hidden = !isOpen;
    // The page gives the frame the focus: a cross-origin frame may not take it by itself.
    if (isOpen) frame?.focus();
    if (isReady) post({ type: isOpen ? 'opened' : 'closed' });
  };

  const setOpen = (open: boolean) => {
    if (open === isOpen || isFailed) return;
    isOpen = open;
    render();
    emitter.emit(open ? 'open' : 'close');
  };

  const hovor = createHovor(
    {
      open: () => setOpen(true),
      close: () => setOpen(false),
      toggle: () => setOpen(!isOpen),
      setDepartment: (id) => {
        departmentId = id;
        postDepartment();
      },
    },
    emitter,
    // biome-ignore lint/suspicious/noConsole: tells the host page's developer that a Hovor(…) call was ignored
    (text) => console.warn(text),
  );
  const stub = window.Hovor;
  window.Hovor = hovor;
  replayQueue(stub, hovor);

  addEventListener('message', (event) => {
    if (!frame || event.origin !== origin || event.source !== frame.contentWindow) return;
    const message = readFrameMessage(event.data);
    if (!message) return;
    if (message.type === 'ready') {
      isReady = true;
      postDepartment();
      if (isOpen) post({ type: 'opened' });
    } else if (message.type === 'close') {
      setOpen(false);
      button?.focus();
    } else if (message.type === 'conversation') {
      try {
        if (message.isActive) localStorage.setItem(activeKey, '1');
        else localStorage.removeItem(activeKey);
      } catch {
        // Storage blocked: the chat simply will not reopen by itself on the next page.
      }
    } else if (message.type === 'event') {
      emitter.emit(message.name, message.data);
    } else if (message.type === 'error' && !hasReportedFrameError) {
      hasReportedFrameError = true;
      report(`[Hovor] chat failed (${message.code}): ${message.message}`);
    }
  });

  const draw = (color: string) => {
    const host = document.createElement('div');
    host.style.cssText = 'position:fixed;right:0;bottom:0;z-index:2147483647';
    root = host.attachShadow({ mode: 'open' });
    // A constructed style sheet, not a <style> element: a page whose CSP allows no inline
    // styles (style-src without 'unsafe-inline') still styles the launcher.
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [sheet];
    button = document.createElement('button');
    button.type = 'button';
    // Assigned through the CSSOM, so an invalid colour is ignored rather than injected.
    button.style.background = color;
    button.addEventListener('click', () => setOpen(!isOpen));
    root.append(button);
    (document.body || document.documentElement).appendChild(host);
    let wasActive = false;
    try {
      wasActive = localStorage.getItem(activeKey) === '1';
    } catch {}
    // A conversation was going on before this page load: reopen it so the visitor sees it.
    if (wasActive) isOpen = true;
    render();
  };

  fetch(`${origin}${API_PATH}/sites/${encodeURIComponent(siteKey)}/widget-config`)
    .then(async (res) => {
      const body: unknown = await res.json().catch(() => null);
      const config = res.ok ? readWidgetConfig(body) : null;
      if (!config) throw body;
      draw(config.color);
    })
    .catch((body: unknown) => {
      isFailed = true;
      report(configErrorText(siteKey, origin, body));
    });
}

boot();
