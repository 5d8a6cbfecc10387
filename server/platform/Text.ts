// Words shown to a person, in both of the product's languages. zh-CN is the office's language and
// the default; English is complete, so a visiting official or an auditor can work in it.

export type Lang = 'zh-CN' | 'en';

/** Every language a page may ask for (a message sent to many pages is sent once per language). */
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

export interface Text {
  readonly 'zh-CN': string;
  readonly en: string;
}

export function text(zh: string, en: string): Text {
  return { 'zh-CN': zh, en };
}

/** Text in the asked language. A plain string (legacy or already localized) is shown as is. */
export function say(t: Text | string, lang: Lang): string {
  return typeof t === 'string' ? t : t[lang];
}

/** The language a client asked for: only an explicit choice counts (the pages send it), otherwise zh-CN. */
export function pickLang(raw: unknown): Lang {
  return raw === 'en' ? 'en' : 'zh-CN';
}
