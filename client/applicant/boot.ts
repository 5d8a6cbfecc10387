import { readBoot } from '../shared/dom';
import { lang } from '../shared/i18n';

/** What the server embeds in the phone page (server/http/routes/pageRoutes.ts): enough to say who is calling before any network round trip. */
export interface PhoneBoot {
  token: string;
  sessionId: string;
  businessName: string;
  caseNumber: string;
  /** The approval office, in both languages (OFFICE_NAME, OFFICE_NAME_EN). */
  office: { 'zh-CN': string; en: string };
  /** Display names of the inspectors working the case; empty when nobody is assigned yet. */
  inspectors: string[];
  rtpCapabilities: unknown;
  /** The office accepts existing photos from the phone's gallery. */
  galleryUploads: boolean;
}

export function readPhoneBoot(): PhoneBoot {
  const b = readBoot<Partial<PhoneBoot>>();
  return {
    token: b.token ?? '',
    sessionId: b.sessionId ?? '',
    businessName: b.businessName ?? '',
    caseNumber: b.caseNumber ?? '',
    office: b.office ?? { 'zh-CN': '', en: '' },
    inspectors: b.inspectors ?? [],
    rtpCapabilities: b.rtpCapabilities,
    galleryUploads: !!b.galleryUploads,
  };
}

/** The office's name in the page's language. */
export function officeName(boot: PhoneBoot): string {
  return boot.office[lang] || boot.office['zh-CN'];
}

/** Fills `{name}` placeholders of a message. */
export function fill(message: string, vars: Record<string, string | number>): string {
  return message.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
