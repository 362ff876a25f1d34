/// <reference types="vite/client" />
import { en, type PluralTexts, type Texts } from './locales/en.js';

/**
 * The chat's languages: English ships with the frame; every other language is a file in
 * `locales/` exporting `texts`, found by the build and loaded only when chosen. Adding a
 * language is adding its file.
 */
const LOADERS = import.meta.glob<{ texts: Texts }>(['./locales/*.ts', '!./locales/en.ts']);
const loaderOf = (locale: string) => LOADERS[`./locales/${locale}.ts`];

/** Language codes the chat speaks, English first. */
export const LOCALES = [
  'en',
  ...Object.keys(LOADERS).map((path) => path.slice('./locales/'.length, -'.ts'.length)),
];

/** The frame's language and its texts. */
export interface I18n {
  locale: string;
  t: Texts;
}

/**
 * The first language the chat speaks among `candidates`, in order (the site's default, then
 * the browser's languages); English when it speaks none of them.
 */
export function chooseLocale(candidates: ReadonlyArray<string | null | undefined>): string {
  for (const candidate of candidates) {
    const primary = candidate?.toLowerCase().split('-')[0];
    if (primary && LOCALES.includes(primary)) return primary;
  }
  return 'en';
}

/** The texts of `locale`; English when it is English or its file cannot be loaded. */
export async function loadI18n(locale: string): Promise<I18n> {
  const load = loaderOf(locale);
  if (!load) return ENGLISH;
  return load().then(
    ({ texts }) => ({ locale, t: texts }),
    () => ENGLISH,
  );
}

export const ENGLISH: I18n = { locale: 'en', t: en };

/** The text with `{name}`, `{n}` … filled in. */
export const fill = (text: string, values: Record<string, string | number>): string =>
  text.replace(/\{(\w+)\}/g, (match, key: string) => String(values[key] ?? match));

/** The plural form of `forms` for `n` in the frame's language, filled in. */
export const plural = ({ locale }: I18n, forms: PluralTexts, n: number): string =>
  fill(forms[new Intl.PluralRules(locale).select(n)] ?? forms.other, { n });
