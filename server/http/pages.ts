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

/** The page a phone sees for a bad, expired or revoked link: plain Chinese, no stack trace. */
export function renderLinkError(message: string, reason?: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>无法进入视频勘验</title>
<link rel="stylesheet" href="/assets/style.css">
</head>
<body class="applicant">
<main class="link-error" data-reason="${escapeHtml(reason ?? 'unknown')}">
<h1>无法进入视频勘验</h1>
<p class="reason">${escapeHtml(message)}</p>
<p class="hint">如有疑问，请联系为您办理业务的审批窗口。<br><span lang="en">This inspection link cannot be used. Please ask the approval office for a new link.</span></p>
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
