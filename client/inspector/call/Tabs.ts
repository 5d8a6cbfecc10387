import { h } from '../../shared/dom';

export interface TabSpec {
  id: string;
  label: string;
  panel: HTMLElement;
}

/**
 * Panels under the current point, one shown at a time, each scrolling inside itself so that a long
 * list never pushes the current point away. ARIA tabs: arrow keys move between the tabs.
 */
export class Tabs {
  readonly root: HTMLElement;
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private readonly badges = new Map<string, HTMLElement>();
  private readonly panels = new Map<string, HTMLElement>();
  private current: string;

  constructor(specs: TabSpec[], initial: string, label: string) {
    const list = h('div', { class: 'tablist', role: 'tablist', 'aria-label': label });
    const panels = h('div', { class: 'tab-panels' });
    for (const s of specs) {
      const badge = h('span', { class: 'tab-badge', hidden: true });
      const btn = h('button', { class: `tab tab-${s.id}`, role: 'tab', id: `tab-${s.id}`, 'aria-controls': `panel-${s.id}`, type: 'button' }, s.label, badge);
      btn.addEventListener('click', () => this.select(s.id));
      btn.addEventListener('keydown', (e) => this.onKey(e, s.id));
      list.append(btn);
      // A panel that scrolls must be reachable by keyboard even when it holds no control.
      const panel = h('div', { class: `tab-panel panel-${s.id}`, role: 'tabpanel', id: `panel-${s.id}`, 'aria-labelledby': `tab-${s.id}`, tabindex: '0' }, s.panel);
      panels.append(panel);
      this.buttons.set(s.id, btn);
      this.badges.set(s.id, badge);
      this.panels.set(s.id, panel);
    }
    this.root = h('section', { class: 'side-tabs' }, list, panels);
    this.current = initial;
    this.select(initial);
  }

  get selected(): string {
    return this.current;
  }

  select(id: string, focus = false): void {
    if (!this.buttons.has(id)) return;
    this.current = id;
    for (const [key, btn] of this.buttons) {
      const on = key === id;
      btn.setAttribute('aria-selected', String(on));
      btn.tabIndex = on ? 0 : -1;
      btn.classList.toggle('selected', on);
      this.panels.get(key)!.hidden = !on;
    }
    if (focus) this.buttons.get(id)!.focus();
  }

  /** A short note beside a tab's name (e.g. how many facts are unanswered); null removes it. */
  setBadge(id: string, text: string | null): void {
    const badge = this.badges.get(id);
    if (!badge) return;
    badge.hidden = !text;
    badge.textContent = text ?? '';
  }

  private onKey(e: KeyboardEvent, id: string): void {
    const ids = [...this.buttons.keys()];
    const i = ids.indexOf(id);
    const to = e.key === 'ArrowRight' ? ids[(i + 1) % ids.length] : e.key === 'ArrowLeft' ? ids[(i - 1 + ids.length) % ids.length] : e.key === 'Home' ? ids[0] : e.key === 'End' ? ids[ids.length - 1] : undefined;
    if (!to) return;
    e.preventDefault();
    this.select(to, true);
  }
}
