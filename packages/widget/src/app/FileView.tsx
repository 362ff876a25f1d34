import type { Attachment } from '@hovor/protocol';
import { useEffect, useState } from 'preact/hooks';
import { useServices } from './chat-context.js';
import styles from './file-view.css?inline';
import { fill } from './i18n.js';

/** "2.4 MB", "310 kB": a file's size for people. */
export function formatSize(bytes: number, locale: string): string {
  const [value, unit] =
    bytes >= 1_000_000 ? [bytes / 1_000_000, 'MB'] : [Math.max(1, Math.round(bytes / 1000)), 'kB'];
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value)} ${unit}`;
}

/**
 * [P21] A file in the transcript, loaded the first time one shows: an image is previewed, any
 * file downloads with its name. The frame fetches it with the visitor's credentials (the page
 * cannot, and an <img> could not send them), so previews are blob: URLs of this frame.
 */
export function FileView({ attachment }: { attachment: Attachment }) {
  const { client, i18n } = useServices();
  const [url, setUrl] = useState<string | null>(null);
  const isImage = attachment.type.startsWith('image/');

  useEffect(() => {
    if (!isImage) return;
    let made: string | null = null;
    let isGone = false;
    client.fetchFile(attachment.id).then(
      (blob) => {
        if (isGone) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      () => undefined,
    );
    return () => {
      isGone = true;
      if (made) URL.revokeObjectURL(made);
    };
  }, [attachment.id, isImage, client]);

  const download = async () => {
    const href = url ?? URL.createObjectURL(await client.fetchFile(attachment.id));
    const link = document.createElement('a');
    link.href = href;
    link.download = attachment.name;
    link.click();
    if (href !== url) setTimeout(() => URL.revokeObjectURL(href), 10_000);
  };

  return (
    <div class="hv-file">
      <style>{styles}</style>
      {isImage && url && <img class="hv-thumb" src={url} alt={attachment.name} />}
      <button type="button" class="hv-link" onClick={() => void download()}>
        {fill(i18n.t.downloadFile, { name: attachment.name })} ({formatSize(attachment.size, i18n.locale)})
      </button>
    </div>
  );
}
