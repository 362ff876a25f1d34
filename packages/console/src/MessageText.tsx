import { splitLinks } from '@hovor/protocol';

/** A message's text as text, with its http(s) addresses as links that open in a new tab. */
export function MessageText({ text }: { text: string }) {
  return (
    <p class="text">
      {splitLinks(text).map((part, i) =>
        i % 2 ? (
          <a href={part} target="_blank" rel="noopener noreferrer nofollow">
            {part}
          </a>
        ) : (
          part
        ),
      )}
    </p>
  );
}
