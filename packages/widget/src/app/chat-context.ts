import type { WidgetConfig } from '@hovor/protocol';
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { ChatClient } from './chat-client.js';
import type { ChatSnapshot, ChatState } from './chat-state.js';
import type { HostChannel } from './host-channel.js';
import type { I18n } from './i18n.js';

export interface ChatServices {
  state: ChatState;
  client: ChatClient;
  host: HostChannel;
  config: WidgetConfig;
  /** The frame's language and texts. */
  i18n: I18n;
}

export const ChatContext = createContext<ChatServices | null>(null);

export function useServices(): ChatServices {
  const services = useContext(ChatContext);
  if (!services) throw new Error('Hovor components must be rendered inside <ChatContext.Provider>.');
  return services;
}

/** The current chat snapshot; re-renders the component on every change. */
export function useChatSnapshot(): ChatSnapshot {
  const { state } = useServices();
  const [snapshot, setSnapshot] = useState(state.get);
  useEffect(() => {
    setSnapshot(state.get());
    return state.subscribe(() => setSnapshot(state.get()));
  }, [state]);
  return snapshot;
}
