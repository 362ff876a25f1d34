import { useEffect, useRef } from 'preact/hooks';
import { useServices } from './chat-context.js';
import styles from './emoji-picker.css?inline';

/** Emoji a support chat uses most: faces, hands, hearts, and what orders and payments need. */
export const EMOJI = [
  '😀',
  '😄',
  '😁',
  '😂',
  '😊',
  '🙂',
  '😉',
  '😍',
  '😎',
  '🤔',
  '😐',
  '😕',
  '😢',
  '😭',
  '😡',
  '😮',
  '👍',
  '👎',
  '👌',
  '👏',
  '🙌',
  '🙏',
  '👋',
  '💪',
  '❤️',
  '💔',
  '🔥',
  '⭐',
  '🎉',
  '🎁',
  '✅',
  '❌',
  '⚠️',
  '❓',
  '💡',
  '📦',
  '🚚',
  '💳',
  '🛒',
  '📧',
  '📞',
  '⏰',
  '📅',
  '🔒',
  '🔑',
  '🏠',
  '☕',
  '🙈',
];
/** Emoji per row: arrow keys move by one, up and down by a row. */
export const COLUMNS = 8;

/** Where an arrow (or Home, End) moves the focus from `index` in a grid of `count`; null: not a move. */
export function nextIndex(key: string, index: number, count: number): number | null {
  const moves: Record<string, number> = {
    ArrowLeft: index - 1,
    ArrowRight: index + 1,
    ArrowUp: index - COLUMNS,
    ArrowDown: index + COLUMNS,
    Home: 0,
    End: count - 1,
  };
  const to = moves[key];
  return to === undefined ? null : Math.min(count - 1, Math.max(0, to));
}

/**
 * The emoji grid, loaded the first time the visitor opens it. One Tab stop (the arrows move
 * inside); Enter or a click inserts; Escape closes it without minimizing the chat.
 */
export function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const { t } = useServices().i18n;
  const grid = useRef<HTMLFieldSetElement>(null);
  const buttons = () => Array.from(grid.current?.querySelectorAll('button') ?? []);
  const focusAt = (index: number) => {
    buttons().forEach((button, i) => {
      button.tabIndex = i === index ? 0 : -1;
    });
    buttons()[index]?.focus();
  };
  useEffect(() => focusAt(0), []);
  return (
    <fieldset
      ref={grid}
      id="hv-emoji"
      class="hv-emoji"
      aria-label={t.emoji}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
          return;
        }
        const index = buttons().indexOf(e.target as HTMLButtonElement);
        const to = index < 0 ? null : nextIndex(e.key, index, EMOJI.length);
        if (to === null) return;
        e.preventDefault();
        focusAt(to);
      }}
    >
      <style>{styles}</style>
      {EMOJI.map((emoji, i) => (
        <button key={emoji} type="button" tabIndex={i === 0 ? 0 : -1} onClick={() => onPick(emoji)}>
          {emoji}
        </button>
      ))}
    </fieldset>
  );
}
