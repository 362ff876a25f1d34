import { useConsoleState } from './console-context';

/**
 * Says when the console has lost the server and when it is back. The live region stays in the
 * page while empty, so screen readers announce each change politely.
 */
export function ConnectionBanner() {
  const state = useConsoleState();
  const isLost = state.connection.value === 'reconnecting';
  const isBack = state.isBackOnline.value;
  const text = isLost ? 'Reconnecting…' : isBack ? 'Back online' : '';
  return (
    <div
      role="status"
      aria-live="polite"
      class={`connection-banner${isLost ? ' lost' : ''}${isBack ? ' back' : ''}`}
    >
      {text}
    </div>
  );
}
