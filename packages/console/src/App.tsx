import { useEffect } from 'preact/hooks';
import { ConnectionBanner } from './ConnectionBanner';
import { ConversationView } from './ConversationView';
import { ConsoleStateContext, useConsoleState } from './console-context';
import type { ConsoleState } from './console-state';
import { Inbox } from './Inbox';
import { SignIn } from './SignIn';
import { TopBar } from './TopBar';

/** The console: the sign-in form, or the workspace once an agent is signed in. */
export function App({ state }: { state: ConsoleState }) {
  useEffect(() => {
    void state.start();
    return state.dispose;
  }, [state]);
  return (
    <ConsoleStateContext.Provider value={state}>
      <Screen />
    </ConsoleStateContext.Provider>
  );
}

function Screen() {
  const state = useConsoleState();
  switch (state.session.value) {
    case 'loading':
      return <p class="splash">Loading…</p>;
    case 'signed-out':
      return <SignIn />;
    case 'signed-in':
      return (
        <div class="workspace">
          <TopBar />
          <ConnectionBanner />
          {state.error.value && (
            <div class="banner" role="alert">
              <span>{state.error.value}</span>
              <button type="button" class="link" onClick={state.dismissError}>
                Dismiss
              </button>
            </div>
          )}
          <main class="panes">
            <Inbox />
            <ConversationView />
          </main>
        </div>
      );
  }
}
