/**
 * Which parts of a message's text are shown as links: `http://` and `https://` addresses only,
 * ending at a space, a quote or an angle bracket, without trailing punctuation. Everything else
 * stays text, whatever it looks like (`javascript:`, markup, Markdown). Clients render a link
 * with `rel="noopener noreferrer nofollow"` and the text as text.
 */
const LINK = /(https?:\/\/[^\s<>"'`]*[^\s<>"'`.,;:!?)\]}])/i;

/**
 * A message's text cut at its links: the parts at odd indexes are links (shown as their
 * address), the others plain text; joined, they give the text back.
 */
export const splitLinks = (text: string): string[] => text.split(LINK);
