import { describe, expect, it } from 'vitest';
import { chooseLocale, ENGLISH, fill, LOCALES, loadI18n, plural } from './i18n.js';
import { en, type Texts } from './locales/en.js';

const files = import.meta.glob<{ texts?: Texts; en?: Texts }>('./locales/*.ts', { eager: true });
const languages = Object.entries(files).map(([path, module]) => ({
  locale: path.slice('./locales/'.length, -'.ts'.length),
  texts: (module.texts ?? module.en)!,
}));
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('languages', () => {
  it('speaks English, Czech, Slovak and Polish', () => {
    expect([...LOCALES].sort()).toEqual(['cs', 'en', 'pl', 'sk']);
  });

  for (const { locale, texts } of languages) {
    it(`${locale}: has every text, with the same placeholders as English and every plural form the language needs`, () => {
      expect(Object.keys(texts).sort()).toEqual(Object.keys(en).sort());
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      for (const [key, english] of Object.entries(en)) {
        const text = texts[key as keyof Texts];
        if (typeof english === 'string') {
          expect(typeof text, key).toBe('string');
          expect((text as string).trim(), key).not.toBe('');
          expect(placeholders(text as string), key).toEqual(placeholders(english));
        } else if (Array.isArray(english)) {
          expect((text as string[]).length, key).toBe(english.length);
        } else {
          for (const category of categories) expect(text, `${key}.${category}`).toHaveProperty(category);
        }
      }
    });
  }

  it('chooses the site’s language first, then the browser’s, then English', () => {
    expect(chooseLocale(['cs', 'pl-PL', 'en-US'])).toBe('cs');
    expect(chooseLocale([null, 'de-DE', 'sk-SK', 'en'])).toBe('sk');
    expect(chooseLocale([undefined, 'PL'])).toBe('pl');
    expect(chooseLocale(['de', 'fr-FR'])).toBe('en');
    expect(chooseLocale([])).toBe('en');
  });

  it('loads a language’s texts, and English for one it does not speak', async () => {
    expect((await loadI18n('cs')).t.send).toBe('Odeslat');
    expect(await loadI18n('xx')).toBe(ENGLISH);
    expect(await loadI18n('en')).toBe(ENGLISH);
  });

  it('picks plural forms by the language’s rules: 1 minuta, 2 minuty, 5 minut', async () => {
    const cs = await loadI18n('cs');
    expect([1, 2, 4, 5, 21].map((n) => plural(cs, cs.t.minutes, n))).toEqual([
      'asi 1 minuta',
      'asi 2 minuty',
      'asi 4 minuty',
      'asi 5 minut',
      'asi 21 minut',
    ]);
    const pl = await loadI18n('pl');
    expect([1, 2, 5, 22, 25].map((n) => plural(pl, pl.t.minutes, n))).toEqual([
      'około 1 minuty',
      'około 2 minut',
      'około 5 minut',
      'około 22 minut',
      'około 25 minut',
    ]);
    const sk = await loadI18n('sk');
    expect([1, 3, 5].map((n) => plural(sk, sk.t.minutes, n))).toEqual([
      'asi 1 minúta',
      'asi 3 minúty',
      'asi 5 minút',
    ]);
    expect([1, 2].map((n) => plural(ENGLISH, en.minutes, n))).toEqual(['about 1 minute', 'about 2 minutes']);
  });

  it('fills placeholders and leaves unknown ones as they are', () => {
    expect(fill('{name} is typing… {x}', { name: 'Alice' })).toBe('Alice is typing… {x}');
  });
});
