import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConsoleState } from './console-state';

export const ConsoleStateContext = createContext<ConsoleState | null>(null);

/** The console state provided by `<App>`. */
export function useConsoleState(): ConsoleState {
  const state = useContext(ConsoleStateContext);
  if (!state)
    throw new Error('useConsoleState() needs a <ConsoleStateContext.Provider> above the component.');
  return state;
}
