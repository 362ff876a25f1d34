import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useConsoleState } from '../console-context';
import { ACCOUNT_TEXTS as T } from './account-texts';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import { SignOutEverywhereDialog } from './SignOutEverywhereDialog';
import './account.css';

type Dialog = 'change-password' | 'sign-out-everywhere';

/**
 * The agent's name as a menu button (the WAI-ARIA menu button pattern): Enter, Space or ↓ open
 * the menu on its first item, ↑ on its last; ↑ ↓ Home End move, Escape closes back to the button,
 * Tab or a click elsewhere closes it. The dialogs it opens give the focus back to the button.
 */
export function AccountMenu({ name }: { name: string }) {
  const state = useConsoleState();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const wrapper = useRef<HTMLDivElement>(null);
  /** The item that has the focus while the menu is open; `null` while closed. */
  const [active, setActive] = useState<number | null>(null);
  const [dialog, setDialog] = useState<Dialog | null>(null);

  const items: { label: string; run: () => void }[] = [
    { label: T.changePassword, run: () => setDialog('change-password') },
    { label: T.signOutEverywhere, run: () => setDialog('sign-out-everywhere') },
    { label: T.signOut, run: () => void state.signOut() },
  ];
  const isOpen = active !== null;
  const last = items.length - 1;

  // Layout effects: the focus and the outside-click listener are in place before the next event.
  useLayoutEffect(() => {
    if (active === null) return;
    menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [active]);

  useLayoutEffect(() => {
    if (!isOpen) return;
    const closeOutside = (event: PointerEvent) => {
      if (!wrapper.current?.contains(event.target as Node)) setActive(null);
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [isOpen]);

  const close = (isFocusBack: boolean) => {
    setActive(null);
    if (isFocusBack) button.current?.focus();
  };

  const onMenuKey = (event: KeyboardEvent) => {
    if (active === null) return;
    const moves: Record<string, number> = {
      ArrowDown: active === last ? 0 : active + 1,
      ArrowUp: active === 0 ? last : active - 1,
      Home: 0,
      End: last,
    };
    const next = moves[event.key];
    if (next !== undefined) {
      event.preventDefault();
      setActive(next);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      close(true);
    } else if (event.key === 'Tab') {
      close(false);
    }
  };

  return (
    <div
      class="account-menu"
      ref={wrapper}
      onFocusOut={(event) => {
        // Focus gone elsewhere on the page (not into the menu, not into a dialog it opened).
        const to = event.relatedTarget as Node | null;
        if (isOpen && to && !wrapper.current?.contains(to)) setActive(null);
      }}
    >
      <button
        ref={button}
        type="button"
        class="account-button"
        aria-haspopup="menu"
        aria-expanded={isOpen}
        aria-controls="account-menu"
        onClick={() => (isOpen ? close(false) : setActive(0))}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault();
            setActive(event.key === 'ArrowDown' ? 0 : last);
          }
        }}
      >
        {name}
        <span class="account-caret" aria-hidden="true">
          ▾
        </span>
      </button>
      <div
        id="account-menu"
        ref={menu}
        role="menu"
        aria-label={T.accountMenu}
        hidden={!isOpen}
        onKeyDown={onMenuKey}
      >
        {items.map((item, index) => (
          <button
            key={item.label}
            type="button"
            role="menuitem"
            tabIndex={index === active ? 0 : -1}
            onClick={() => {
              setActive(null);
              item.run();
            }}
          >
            {item.label}
          </button>
        ))}
      </div>
      {dialog === 'change-password' && (
        <ChangePasswordDialog returnFocusTo={button} onClose={() => setDialog(null)} />
      )}
      {dialog === 'sign-out-everywhere' && (
        <SignOutEverywhereDialog returnFocusTo={button} onClose={() => setDialog(null)} />
      )}
    </div>
  );
}
