import { useServices } from './chat-context.js';

export function Header() {
  const { config, host, i18n } = useServices();
  return (
    <header class="hv-header">
      <h1 class="hv-title">{config.siteName}</h1>
      <button
        type="button"
        class="hv-minimize"
        aria-label={i18n.t.minimize}
        onClick={() => host.post({ type: 'close' })}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M5 11h14v2H5z" />
        </svg>
      </button>
    </header>
  );
}
