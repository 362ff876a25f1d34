import { MAX_RATING_COMMENT_CHARS } from '@hovor/protocol';
import { useRef, useState } from 'preact/hooks';
import { useChatSnapshot, useServices } from './chat-context.js';
import { newClientId } from './client-id.js';
import styles from './ended-panel.css?inline';
import { fill } from './i18n.js';
import { WidgetError } from './retry.js';
import { transcriptFileName, transcriptText } from './transcript.js';

/** Saves the conversation as a text file, built from the messages the frame holds. */
function DownloadTranscript() {
  const { config, i18n } = useServices();
  const { messages } = useChatSnapshot();
  const download = () => {
    const file = new Blob([transcriptText(i18n, config.siteName, messages)], {
      type: 'text/plain;charset=utf-8',
    });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(file);
    link.download = transcriptFileName(config.siteName, messages);
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1_000);
  };
  return (
    <button type="button" class="hv-link hv-download" onClick={download}>
      {i18n.t.download}
    </button>
  );
}

/**
 * What an ended conversation an agent answered offers: a rating [P17] (then thanks) and the
 * transcript. Loaded on demand: a chat that has not ended does not need it.
 */
export function EndedPanel() {
  return (
    <div class="hv-ended">
      <style>{styles}</style>
      <Rating />
      <DownloadTranscript />
    </div>
  );
}

function Rating() {
  const { client, i18n } = useServices();
  const { t } = i18n;
  const { conversation, rating } = useChatSnapshot();
  const [score, setScore] = useState(0);
  const [comment, setComment] = useState('');
  const [error, setError] = useState('');
  const [isSending, setIsSending] = useState(false);
  // One id for every attempt: a retry after a lost answer finds the stored rating.
  const requestId = useRef(newClientId()).current;

  if (rating) {
    return (
      <p class="hv-rating" role="status">
        {fill(t.rated, { n: rating.score })}
      </p>
    );
  }
  if (!conversation) return null;

  const submit = async () => {
    if (score === 0) {
      setError(t.chooseScore);
      return;
    }
    setIsSending(true);
    setError('');
    try {
      const text = comment.trim();
      await client.rate({
        conversationId: conversation.id,
        requestId,
        score,
        ...(text ? { comment: text } : {}),
      });
    } catch (cause) {
      setError(cause instanceof WidgetError && cause.code === 'CONFLICT' ? t.alreadyRated : t.ratingFailed);
    } finally {
      setIsSending(false);
    }
  };

  return (
    <form
      class="hv-rating"
      aria-labelledby="hv-rating-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <fieldset>
        <legend id="hv-rating-title">{t.rateTitle}</legend>
        <div class="hv-stars">
          {t.scores.map((name, i) => (
            <label key={name} class={i < score ? 'hv-star hv-on' : 'hv-star'}>
              <input
                type="radio"
                name="hv-score"
                value={i + 1}
                checked={score === i + 1}
                onChange={() => {
                  setScore(i + 1);
                  setError('');
                }}
              />
              <span aria-hidden="true">★</span>
              <span class="hv-sr">{fill(t.score, { n: i + 1, name })}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <label for="hv-rating-comment">{t.comment}</label>
      <textarea
        id="hv-rating-comment"
        class="hv-input"
        rows={2}
        maxLength={MAX_RATING_COMMENT_CHARS}
        value={comment}
        onInput={(e) => setComment(e.currentTarget.value)}
      />
      {error && (
        <p class="hv-failed" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="hv-send" disabled={isSending}>
        {t.sendRating}
      </button>
    </form>
  );
}
