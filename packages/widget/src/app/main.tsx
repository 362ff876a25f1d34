import { AckOf, API_PREFIX, SiteKey, WidgetConfig } from '@hovor/protocol';
import { render } from 'preact';
import { App } from './App.js';
import { createChatClient } from './chat-client.js';
import { ChatContext } from './chat-context.js';
import { createChatState } from './chat-state.js';
import { playChime } from './chime.js';
import { connectToHost } from './host-channel.js';
import { chooseLocale, loadI18n } from './i18n.js';
import { createSafeStorage } from './storage.js';
import './styles.css';

const DEFAULT_COLOR = '#2563eb';
/** How long the chat waits for the identity the launcher announced, in ms. */
const IDENTITY_WAIT_MS = 3_000;
const WidgetConfigAck = AckOf(WidgetConfig);

/** The site's look; the chat still works with defaults if it cannot be loaded. */
async function loadConfig(siteKey: string): Promise<WidgetConfig> {
  const fallback: WidgetConfig = {
    siteKey,
    siteName: 'Chat',
    color: DEFAULT_COLOR,
    greeting: '',
    locale: null,
    greetings: [],
    theme: 'light',
    position: 'right',
    launcherText: '',
    launcherTexts: [],
    sound: false,
    preChat: null,
    hidesWhenOffline: false,
  };
  try {
    const res = await fetch(`${API_PREFIX}/sites/${encodeURIComponent(siteKey)}/widget-config`);
    const parsed = WidgetConfigAck.safeParse(await res.json());
    return parsed.success && parsed.data.ok ? parsed.data.data : fallback;
  } catch {
    return fallback;
  }
}

/** Dark or light by the site's choice; `auto` follows the system, also when it changes. */
function applyTheme(theme: WidgetConfig['theme']): void {
  const dark = matchMedia('(prefers-color-scheme: dark)');
  const apply = () => {
    document.documentElement.dataset.theme =
      theme === 'dark' || (theme === 'auto' && dark.matches) ? 'dark' : 'light';
  };
  apply();
  if (theme === 'auto') dark.addEventListener('change', apply);
}

async function main(root: HTMLElement): Promise<void> {
  const site = SiteKey.safeParse(new URLSearchParams(location.search).get('site'));
  if (!site.success) {
    render(<p class="hv-fatal">This chat frame needs a valid ?site= parameter.</p>, root);
    return;
  }
  const siteKey = site.data;
  const configLoad = loadConfig(siteKey);
  const host = await connectToHost();
  const config = await configLoad;
  // The page's choice (`Hovor('setLocale')`, in the URL from the launcher), else the site's
  // default language, else the browser's; English when none is one of ours.
  const localeFor = (pageLocale: string | null) =>
    chooseLocale([pageLocale, config.locale, ...navigator.languages]);
  const params = new URLSearchParams(location.search);
  let i18n = await loadI18n(localeFor(params.get('locale')));
  document.documentElement.style.setProperty('--hv-accent', config.color);
  applyTheme(config.theme);

  const state = createChatState();
  const store = createSafeStorage(() => window.localStorage);
  const client = createChatClient({
    siteKey,
    host,
    store,
    state,
    locale: () => i18n.locale,
    onUnseenAgentMessage: config.sound ? playChime : () => undefined,
    hasPreChatForm: config.preChat !== null,
  });
  const draw = () => {
    document.documentElement.lang = i18n.locale;
    render(
      <ChatContext.Provider value={{ state, client, host, config, i18n }}>
        <App />
      </ChatContext.Provider>,
      root,
    );
  };
  draw();
  // The page changed its language: the chat follows, keeping what it shows.
  host.onLocale(async (pageLocale) => {
    const next = await loadI18n(localeFor(pageLocale));
    if (next.locale === i18n.locale) return;
    i18n = next;
    draw();
  });
  // Escape minimizes the chat, as it closes a dialog; the loader then focuses the launcher.
  addEventListener('keydown', (e) => e.key === 'Escape' && host.post({ type: 'close' }));
  host.post({ type: 'ready' });
  // The page identified the visitor before the chat loaded: the launcher sends the identity as
  // soon as it hears `ready`; wait for it (a moment at most) so the chat connects once, as them.
  if (params.get('identified') && !host.identity) {
    await new Promise<void>((resolve) => {
      const stop = host.onIdentity(() => {
        stop();
        resolve();
      });
      setTimeout(resolve, IDENTITY_WAIT_MS);
    });
  }
  client.start();
}

void main(document.getElementById('app')!);
