// The page's language, without the message tables, so the phone's early script (which opens the
// socket before the main script arrives) can word its handshake the same way the main script will.

/** ?lang= (remembered for the next visit), else the remembered choice, else zh-CN. */
export function pickLang(): 'zh-CN' | 'en' {
  const q = new URLSearchParams(location.search).get('lang');
  if (q === 'en' || q === 'zh-CN') {
    try {
      localStorage.setItem('kanyan.lang', q);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    return q;
  }
  let saved: string | null = null;
  try {
    saved = localStorage.getItem('kanyan.lang');
  } catch {
    saved = null;
  }
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return 'zh-CN';
}
