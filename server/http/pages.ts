import type { Lang } from '../platform/Text';

// HTML shells for the three pages. The data a page needs at first paint is embedded as JSON so
// it can start work (camera, device load) before its first network round trip.

export interface ShellOptions {
  title: string;
  script: 'inspector' | 'applicant' | 'admin';
  /**
   * A small script run before the main bundle is parsed (the phone page opens its camera and socket
   * with it). It comes after the boot data, which it reads, and before the stylesheet, which would
   * hold it back.
   */
  earlyScript?: string;
  boot: unknown;
  lang?: string;
}

const ICON_LINK = '<link rel="icon" href="/favicon.svg" type="image/svg+xml">';

export function renderShell(o: ShellOptions): string {
  return `<!doctype html>
<html lang="${o.lang ?? 'zh-CN'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(o.title)}</title>
<script id="boot" type="application/json">${safeJson(o.boot)}</script>
${o.earlyScript ? `<script src="/assets/${o.earlyScript}.js"></script>` : ''}
${ICON_LINK}
<link rel="stylesheet" href="/assets/style.css">
<script src="/assets/${o.script}.js" defer></script>
</head>
<body><div id="app"></div><div id="toasts" aria-live="polite"></div></body>
</html>`;
}

interface LinkErrorWords {
  heading: string;
  next: string;
}

interface LinkErrorCopy {
  'zh-CN': LinkErrorWords;
  en: LinkErrorWords;
  /** Send the shop owner to the office that handles the application. */
  contact: boolean;
}

// One screen per refusal reason (the same reasons the phone page's end screens use). zh-CN first.
const LINK_ERROR_COPY: Record<string, LinkErrorCopy> = {
  link_invalid: {
    'zh-CN': { heading: '链接无效，无法进入视频勘验', next: '请检查短信中的链接是否完整（复制时不要漏掉末尾的字符），或联系审批窗口索取新的链接。' },
    en: { heading: 'This link is not valid', next: 'Check that the link from the SMS is complete (nothing left off at the end when copying), or ask the approval office for a new link.' },
    contact: true,
  },
  link_revoked: {
    'zh-CN': { heading: '链接已被撤销', next: '请联系审批窗口重新发送链接，收到新短信后用新链接进入。' },
    en: { heading: 'This link was revoked', next: 'Ask the approval office to send a new link, then open the link in the new SMS.' },
    contact: true,
  },
  link_replaced: {
    'zh-CN': { heading: '已发送新的链接', next: '请打开审批人员最新发给您的短信，用其中的新链接进入。' },
    en: { heading: 'A newer link was sent', next: 'Open the newest SMS from the approval office and use the link in it.' },
    contact: true,
  },
  link_expired: {
    'zh-CN': { heading: '链接已过期', next: '请联系审批窗口重新发送链接，收到新短信后用新链接进入。' },
    en: { heading: 'This link has expired', next: 'Ask the approval office to send a new link, then open the link in the new SMS.' },
    contact: true,
  },
  session_ended: {
    'zh-CN': { heading: '本次视频勘验已结束', next: '您无需再次进入，可以关闭此页面。' },
    en: { heading: 'This video inspection is over', next: 'There is nothing more to do; you can close this page.' },
    contact: false,
  },
  session_interrupted: {
    'zh-CN': { heading: '视频勘验已暂停', next: '审批人员会与您联系，约定继续的时间。请保留这条链接，到时用它重新进入；如果链接已失效，审批人员会发送新的链接。' },
    en: { heading: 'The video inspection is paused', next: 'The inspector will contact you to agree when to continue. Keep this link and open it again then; if it no longer works, you will get a new one.' },
    contact: false,
  },
};

const UNKNOWN_LINK_ERROR: LinkErrorCopy = {
  'zh-CN': { heading: '无法进入视频勘验', next: '请稍后重新打开链接；如仍无法进入，请联系审批窗口。' },
  en: { heading: 'This inspection link cannot be used now', next: 'Open the link again later; if it still does not work, contact the approval office.' },
  contact: true,
};

const PAGE_WORDS = {
  'zh-CN': { service: '远程视频勘验', title: '视频勘验', next: '下一步：', contact: '如有疑问，请联系为您办理业务的审批窗口。' },
  en: { service: 'Remote video inspection', title: 'Video inspection', next: 'Next: ', contact: 'Questions? Contact the approval office handling your application.' },
} as const;

export interface LinkErrorOptions {
  /** The server's message for this refusal, already in `lang`. */
  message: string;
  reason?: string;
  lang: Lang;
  office: { 'zh-CN': string; en: string };
}

/**
 * The page a phone sees for a bad, expired or revoked link: what happened and what to do next, no
 * stack trace. Chinese with one English line (and a link to the English page), or all English.
 */
export function renderLinkError(o: LinkErrorOptions): string {
  const copy = (o.reason && LINK_ERROR_COPY[o.reason]) || UNKNOWN_LINK_ERROR;
  const words = copy[o.lang];
  const page = PAGE_WORDS[o.lang];
  const office = o.office[o.lang] || o.office['zh-CN'];
  const contact = copy.contact ? `\n<p class="contact">${escapeHtml(page.contact)}</p>` : '';
  const hint = o.lang === 'en' ? '' : `\n<p class="hint" lang="en">${escapeHtml(`${copy.en.heading}. ${copy.en.next}`)} <a href="?lang=en">English page</a></p>`;
  return `<!doctype html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(words.heading)} · ${escapeHtml(page.title)} · ${escapeHtml(office)}</title>
${ICON_LINK}
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="applicant">
<header class="phone-top"><p class="service">${escapeHtml(office)} · ${escapeHtml(page.service)}</p></header>
<main class="link-error" data-reason="${escapeHtml(o.reason ?? 'unknown')}">
<h1>${escapeHtml(words.heading)}</h1>
<p class="reason">${escapeHtml(o.message)}</p>
<p class="next-step"><strong>${escapeHtml(page.next)}</strong>${escapeHtml(words.next)}</p>${contact}${hint}
</main>
</body>
</html>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function safeJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
