// HTML shells for the three pages. The data a page needs at first paint is embedded as JSON so
// it can start work (camera, device load) before its first network round trip.

export interface ShellOptions {
  title: string;
  script: 'inspector' | 'applicant' | 'admin';
  /** A small script run before the main bundle is parsed (the phone page opens its camera with it). */
  earlyScript?: string;
  boot: unknown;
  lang?: string;
}

export function renderShell(o: ShellOptions): string {
  return `<!doctype html>
<html lang="${o.lang ?? 'zh-CN'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(o.title)}</title>
<link rel="stylesheet" href="/assets/style.css">
<script id="boot" type="application/json">${safeJson(o.boot)}</script>
${o.earlyScript ? `<script src="/assets/${o.earlyScript}.js"></script>` : ''}
<script src="/assets/${o.script}.js" defer></script>
</head>
<body><div id="app"></div><div id="toasts" aria-live="polite"></div></body>
</html>`;
}

interface LinkErrorCopy {
  heading: string;
  next: string;
  /** Send the shop owner to the office that handles the application. */
  contact: boolean;
  en: string;
}

// One screen per refusal reason (the same reasons the phone page's end screens use). zh-CN first.
const LINK_ERROR_COPY: Record<string, LinkErrorCopy> = {
  link_invalid: {
    heading: '链接无效，无法进入视频勘验',
    next: '请检查短信中的链接是否完整（复制时不要漏掉末尾的字符），或联系审批窗口索取新的链接。',
    contact: true,
    en: 'This link is not valid. Check that it is complete, or ask the approval office for a new link.',
  },
  link_revoked: {
    heading: '链接已被撤销',
    next: '请联系审批窗口重新发送链接，收到新短信后用新链接进入。',
    contact: true,
    en: 'This link was revoked. Ask the approval office to send a new link, then open the link in the new SMS.',
  },
  link_replaced: {
    heading: '已发送新的链接',
    next: '请打开审批人员最新发给您的短信，用其中的新链接进入。',
    contact: true,
    en: 'A newer link was sent. Open the newest SMS from the approval office and use the link in it.',
  },
  link_expired: {
    heading: '链接已过期',
    next: '请联系审批窗口重新发送链接，收到新短信后用新链接进入。',
    contact: true,
    en: 'This link has expired. Ask the approval office to send a new link, then open the link in the new SMS.',
  },
  session_ended: {
    heading: '本次视频勘验已结束',
    next: '您无需再次进入，可以关闭此页面。',
    contact: false,
    en: 'This video inspection is over. There is nothing more to do; you can close this page.',
  },
  session_interrupted: {
    heading: '视频勘验已暂停',
    next: '审批人员会与您联系，约定继续的时间。请保留这条链接，到时用它重新进入；如果链接已失效，审批人员会发送新的链接。',
    contact: false,
    en: 'The video inspection is paused. The inspector will contact you; keep this link and open it again then (if it no longer works, you will get a new one).',
  },
};

const UNKNOWN_LINK_ERROR: LinkErrorCopy = {
  heading: '无法进入视频勘验',
  next: '请稍后重新打开链接；如仍无法进入，请联系审批窗口。',
  contact: true,
  en: 'This inspection link cannot be used right now. Try again later, or contact the approval office.',
};

/** The page a phone sees for a bad, expired or revoked link: plain Chinese, what to do next, no stack trace. */
export function renderLinkError(message: string, reason?: string): string {
  const copy = (reason && LINK_ERROR_COPY[reason]) || UNKNOWN_LINK_ERROR;
  const contact = copy.contact ? `\n<p class="contact">如有疑问，请联系为您办理业务的审批窗口。</p>` : '';
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(copy.heading)} · 视频勘验</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="applicant">
<header class="phone-top"><p class="service">行政审批 · 远程视频勘验</p></header>
<main class="link-error" data-reason="${escapeHtml(reason ?? 'unknown')}">
<h1>${escapeHtml(copy.heading)}</h1>
<p class="reason">${escapeHtml(message)}</p>
<p class="next-step"><strong>下一步：</strong>${escapeHtml(copy.next)}</p>${contact}
<p class="hint" lang="en">${escapeHtml(copy.en)}</p>
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
