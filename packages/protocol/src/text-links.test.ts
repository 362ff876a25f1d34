import { describe, expect, it } from 'vitest';
import { splitLinks } from './text-links.js';

/** The links of a text: its parts at odd indexes. */
const linksOf = (text: string) => splitLinks(text).filter((_, i) => i % 2 === 1);

describe('links in message text', () => {
  it('makes http and https addresses links, without the punctuation that ends a sentence', () => {
    expect(splitLinks('See https://shop.example/orders/1042. Or http://x.example/a?b=c#d, thanks!')).toEqual([
      'See ',
      'https://shop.example/orders/1042',
      '. Or ',
      'http://x.example/a?b=c#d',
      ', thanks!',
    ]);
    expect(splitLinks('(https://shop.example/a)')).toEqual(['(', 'https://shop.example/a', ')']);
    expect(linksOf('HTTPS://SHOP.EXAMPLE')).toEqual(['HTTPS://SHOP.EXAMPLE']);
  });

  it('leaves every other scheme, markup and Markdown as text', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '<a href="javascript:alert(1)">x</a>',
      '[x](javascript:alert(1))',
      'ftp://files.example/x',
      'www.example.com',
      'vbscript:msgbox(1)',
      'https://',
    ]) {
      expect(splitLinks(text)).toEqual([text]);
    }
  });

  it('ends a link at a quote or an angle bracket, so it cannot carry an attribute or a tag', () => {
    expect(splitLinks('https://example.com/"onmouseover="alert(1)')).toEqual([
      '',
      'https://example.com/',
      '"onmouseover="alert(1)',
    ]);
    expect(linksOf("<https://example.com/'><script>")).toEqual(['https://example.com/']);
  });

  it('gives the text back when the parts are joined', () => {
    const text = 'a https://b.example/c. d http://e.example';
    expect(splitLinks(text).join('')).toBe(text);
    expect(linksOf(text)).toEqual(['https://b.example/c', 'http://e.example']);
  });
});
