import { Composer } from './Composer.js';
import { useChatSnapshot } from './chat-context.js';
import { Header } from './Header.js';
import { MessageList } from './MessageList.js';
import { StatusLine } from './StatusLine.js';

export function App() {
  const { fatal } = useChatSnapshot();
  return (
    <div class="hv-app">
      <Header />
      <StatusLine />
      <MessageList />
      {fatal ? (
        <p class="hv-fatal" role="alert">
          The chat is unavailable right now ({fatal.message}).
        </p>
      ) : (
        <Composer />
      )}
    </div>
  );
}
