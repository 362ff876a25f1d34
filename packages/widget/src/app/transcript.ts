import type { Message } from '@hovor/protocol';
import { fill, type I18n } from './i18n.js';
import { eventText } from './messages.js';

/** `2026-11-30 14:05` in the visitor's own time zone. */
function localTime(iso: string): string {
  const d = new Date(iso);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/**
 * The visitor's copy of a conversation as plain text: one line per message, oldest first, in
 * the visitor's time zone. Built from the messages the frame holds (the whole conversation
 * once synced), so it needs no request and shows exactly what the visitor saw.
 */
export function transcriptText(i18n: I18n, siteName: string, messages: readonly Message[]): string {
  const { t } = i18n;
  const lines = [fill(t.chatWith, { name: siteName }), ''];
  for (const m of messages) {
    const who =
      m.kind === 'event' || m.author.type === 'system'
        ? null
        : m.author.type === 'visitor'
          ? t.you
          : (m.author.name ?? t.agent);
    const text = m.kind === 'event' ? eventText(i18n, m) : m.text;
    lines.push(`[${localTime(m.createdAt)}] ${who ? `${who}: ` : ''}${text}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A file name for the transcript: `chat-<site>-<date of the first message>.txt`. */
export function transcriptFileName(siteName: string, messages: readonly Message[]): string {
  const site =
    siteName
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'site';
  const day = messages[0] ? localTime(messages[0].createdAt).slice(0, 10) : 'empty';
  return `chat-${site}-${day}.txt`;
}
