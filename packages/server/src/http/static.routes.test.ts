import { describe, expect, it } from 'vitest';
import { mayBePage } from './static.routes.js';

describe('mayBePage', () => {
  it.each([
    '/frame.html',
    '/FRAME.HTML',
    '/frame%2ehtml',
    '/frame%2Ehtm',
    '/frame.html.',
    '/frame.html%20',
    '/frame.html/',
    '/frame.html::$DATA',
    '/a/../index.xhtml',
    '/bad%escape.js',
  ])('treats %s as a page the static server must not serve', (path) => {
    expect(mayBePage(path)).toBe(true);
  });

  it.each([
    '/assets/frame-1a2b3c.js',
    '/assets/frame-1a2b3c.css',
    '/assets/html-parser.js',
    '/icons/chat.svg',
  ])('serves %s as an asset', (path) => {
    expect(mayBePage(path)).toBe(false);
  });
});
