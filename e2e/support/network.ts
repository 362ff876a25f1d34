import type { Page, WebSocketRoute } from 'playwright-core';

/** What the server answers every handshake while its database is down [P14]. */
export const OUTAGE_REFUSAL = {
  code: 'UNAVAILABLE',
  message: 'Hovor cannot reach its database; retry shortly.',
};

/**
 * Takes Hovor away from one page's Socket.IO connections while page loads and REST calls still
 * work: `begin()` closes the open connections, and each new one meets a server that opens the
 * transport but refuses the handshake with `UNAVAILABLE` — what Hovor answers while its database
 * is down, and what a client meets behind a proxy whose upstream is gone. `end()` lets new
 * connections through again (the open refused ones are closed, so clients reconnect at once).
 */
export async function hovorOutage(page: Page) {
  let isDown = false;
  const sockets = new Set<WebSocketRoute>();
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    sockets.add(ws);
    if (!isDown) {
      ws.connectToServer();
      return;
    }
    // Engine.IO's open packet, then a Socket.IO CONNECT_ERROR for each namespace CONNECT.
    const open = { sid: 'outage', upgrades: [], pingInterval: 25_000, pingTimeout: 20_000, maxPayload: 1e6 };
    ws.send(`0${JSON.stringify(open)}`);
    ws.onMessage((data) => {
      const connect = /^40(\/[^,]*,)?/.exec(String(data));
      if (connect) {
        ws.send(
          `44${connect[1] ?? ''}${JSON.stringify({ message: OUTAGE_REFUSAL.code, data: OUTAGE_REFUSAL })}`,
        );
      }
    });
  });
  const closeAll = () => {
    for (const ws of sockets) void ws.close();
    sockets.clear();
  };
  return {
    begin() {
      isDown = true;
      closeAll();
    },
    end() {
      isDown = false;
      closeAll();
    },
  };
}
