import { AgentStatus } from '@hovor/protocol';
import { AccountMenu } from './account/AccountMenu';
import { BlockedVisitorsButton } from './blocks/BlockedVisitors';
import { useConsoleState } from './console-context';

/** The top bar's dot; the words for a lost connection are in `ConnectionBanner`. */
const CONNECTION_TITLE = { connecting: 'Connecting…', connected: 'Connected', reconnecting: 'Reconnecting…' };

export function TopBar() {
  const state = useConsoleState();
  const me = state.me.value;
  if (!me) return null;
  const connection = state.connection.value;
  return (
    <header class="top-bar">
      <span class="brand">Hovor</span>
      <span class={`connection ${connection}`} title={CONNECTION_TITLE[connection]} aria-hidden="true" />
      <span class="spacer" />
      <label class="status">
        Status
        <select
          value={me.status}
          onChange={(event) => {
            const status = AgentStatus.safeParse(event.currentTarget.value);
            if (status.success) void state.setStatus(status.data);
          }}
        >
          {AgentStatus.options.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      {(me.role === 'supervisor' || me.role === 'admin') && <BlockedVisitorsButton />}
      <AccountMenu name={me.name} />
    </header>
  );
}
