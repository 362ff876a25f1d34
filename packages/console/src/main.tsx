import { render } from 'preact';
import { App } from './App';
import { createApi } from './api';
import { createConsoleState } from './console-state';
import { connectAgentSocket } from './socket';
import './styles.css';

// Composition root: the only place that wires the real network into the console.
const root = document.getElementById('app');
if (!root) throw new Error('index.html must contain <div id="app"> for the console to mount.');
render(<App state={createConsoleState({ api: createApi(), connect: connectAgentSocket })} />, root);
