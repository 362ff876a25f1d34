import { render } from 'preact';
import { App } from './App';
import { createApi } from './api';
import { createConsoleState } from './console-state';
import { browserPageEvents } from './page-events';
import { connectAgentSocket } from './socket';
import { createSafeStorage } from './storage';
import './styles.css';

// Composition root: the only place that wires the real network, storage and page into the console.
const root = document.getElementById('app');
if (!root) throw new Error('index.html must contain <div id="app"> for the console to mount.');
const state = createConsoleState({
  api: createApi(),
  connect: connectAgentSocket,
  storage: createSafeStorage(() => window.localStorage),
  page: browserPageEvents(),
});
render(<App state={state} />, root);
