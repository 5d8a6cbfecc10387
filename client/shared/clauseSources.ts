import { h } from './dom';
import { lang, permitLabel, t } from './i18n';

/**
 * Where a checklist point comes from: each permit and the clause of the rule it cites. Clauses are
 * titles of Chinese regulations and stay as published (a translation would not be the citation);
 * they are marked zh-CN so screen readers and the English page's checks know what they are.
 */
export function clauseSources(sources: ReadonlyArray<{ permitType: string; clause: string }>, className: string): HTMLElement {
  const seen = new Set<string>();
  const parts: Array<Node | string> = [];
  for (const s of sources) {
    const key = `${s.permitType}\n${s.clause}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (parts.length) parts.push(lang === 'en' ? '; ' : '；');
    parts.push(`${permitLabel(s.permitType)} · `, h('cite', { lang: 'zh-CN' }, s.clause));
  }
  const line = h('p', { class: className }, ...parts);
  if (lang === 'en') line.title = t('call.point.clauseNote');
  return line;
}
