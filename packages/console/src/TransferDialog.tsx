import { MAX_NOTE_CHARS } from '@hovor/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useConsoleState } from './console-context';
import { toConsoleError } from './console-error';
import { type TransferOption, transferOptions } from './team';

type Options = ReturnType<typeof transferOptions>;

function OptionList({
  legend,
  options,
  selected,
  onSelect,
}: {
  legend: string;
  options: TransferOption[];
  selected: string | null;
  onSelect: (key: string) => void;
}) {
  if (options.length === 0) return null;
  return (
    <fieldset class="transfer-options">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option.key} class={option.unavailableReason ? 'unavailable' : undefined}>
          <input
            type="radio"
            name="transfer-target"
            value={option.key}
            checked={selected === option.key}
            disabled={option.unavailableReason !== null}
            onChange={() => onSelect(option.key)}
          />{' '}
          {option.label}
          {option.unavailableReason && <span class="muted"> ({option.unavailableReason})</span>}
        </label>
      ))}
    </fieldset>
  );
}

/** [RT16] Hands the open conversation to a colleague or a department, with an optional comment. */
export function TransferDialog({ onClose }: { onClose: () => void }) {
  const state = useConsoleState();
  const dialog = useRef<HTMLDialogElement>(null);
  const [options, setOptions] = useState<Options | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [isSending, setIsSending] = useState(false);

  useEffect(() => {
    // A modal <dialog> keeps focus inside and closes on Escape (the `cancel` event).
    dialog.current?.showModal();
    let isCurrent = true;
    state.loadTeam().then(
      (team) => isCurrent && setOptions(transferOptions(team)),
      (cause: unknown) => isCurrent && setError(toConsoleError(cause).message),
    );
    return () => {
      isCurrent = false;
    };
  }, [state]);

  const target = options && [...options.agents, ...options.departments].find((o) => o.key === selected);

  const submit = async () => {
    if (!target) return;
    setIsSending(true);
    setError(null);
    try {
      await state.transferConversation(target.target, comment);
      onClose();
    } catch (cause) {
      setError(toConsoleError(cause).message);
      setIsSending(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      class="transfer-dialog"
      aria-labelledby="transfer-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h2 id="transfer-title">Transfer conversation</h2>
        {!options && !error && <p class="muted">Loading colleagues…</p>}
        {options && (
          <>
            <OptionList
              legend="Colleagues"
              options={options.agents}
              selected={selected}
              onSelect={setSelected}
            />
            <OptionList
              legend="Departments"
              options={options.departments}
              selected={selected}
              onSelect={setSelected}
            />
            {options.agents.length === 0 && options.departments.length === 0 && (
              <p class="muted">No colleague or department to transfer to.</p>
            )}
          </>
        )}
        <label class="transfer-comment">
          Comment
          <textarea
            rows={3}
            maxLength={MAX_NOTE_CHARS}
            placeholder="Optional; colleagues see it as an internal note"
            value={comment}
            onInput={(event) => setComment(event.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="send-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={!target || isSending}>
            Transfer
          </button>
        </div>
      </form>
    </dialog>
  );
}
