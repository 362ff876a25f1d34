import type { PageViewInput, VisitorAttributes } from '@hovor/protocol';
import type { HostChannel } from './host-channel.js';

export interface PageSettingsDeps {
  host: HostChannel;
  /** Whether the socket is connected now (reports wait for the next connect otherwise). */
  isConnected: () => boolean;
  /** Sends one report, once (a lost one is sent again on the next connect). */
  report: {
    page(input: PageViewInput): Promise<unknown>;
    attributes(attributes: VisitorAttributes): Promise<unknown>;
  };
  /** The identity the socket connects with now. */
  identity: () => string | undefined;
  /** Connects again as the page's (new) identity; unsent messages go along. */
  reidentify: (identity: string | undefined) => void;
  /** `Hovor('reset')`: a new anonymous visitor. */
  reset: () => void;
}

/**
 * What the page tells the chat about the visitor, kept and reported to the server: the page they
 * are on [P18], the page's attributes [P19] (merged; the server's merge makes a repeat harmless),
 * and who they are (`identify`, `reset`) [P19].
 */
export function createPageSettings({
  host,
  isConnected,
  report,
  identity,
  reidentify,
  reset,
}: PageSettingsDeps) {
  let attributes: VisitorAttributes = {};

  function reportPage(): void {
    if (!isConnected() || !host.page) return;
    report.page(host.page).catch(() => {
      // Only a record for the agents: the next page or reconnect reports again.
    });
  }

  function reportAttributes(): void {
    if (!isConnected() || Object.keys(attributes).length === 0) return;
    report.attributes(attributes).catch(() => {
      // Sent again on the next reconnect.
    });
  }

  return {
    /** After every (re)connect: the page and the attributes again. */
    connected(): void {
      reportPage();
      reportAttributes();
    },
    /** Starts listening to the page; returns the disposers. */
    start: (): Array<() => void> => [
      host.onPage(reportPage),
      host.onAttributes((changes) => {
        attributes = { ...attributes, ...changes };
        reportAttributes();
      }),
      host.onIdentity(() => {
        if (identity() !== (host.identity ?? undefined)) reidentify(host.identity ?? undefined);
      }),
      host.onReset(() => {
        attributes = {};
        reset();
      }),
    ],
  };
}
