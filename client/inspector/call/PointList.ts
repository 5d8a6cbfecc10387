import type { WalkView } from '../../../server/protocol/walk';
import { h } from '../../shared/dom';
import { t } from '../../shared/i18n';
import { fill } from '../../shared/staff';
import { resultLabel } from '../labels';

/** Every point in order, with its result in its colour; picking one makes it the current point. */
export function pointList(view: WalkView, currentKey: string | undefined, onOpen: (key: string) => void): HTMLElement {
  const applicable = view.points.filter((p) => p.applies);
  const done = applicable.filter((p) => p.result).length;
  return h(
    'div',
    { class: 'points-panel' },
    h('p', { class: 'progress', 'data-done': String(done), 'data-total': String(applicable.length) }, fill('call.list.progress', { done, total: applicable.length })),
    view.parentSessionId ? h('p', { class: 'muted reinspection' }, t('walk.reinspection')) : null,
    h(
      'ol',
      { class: 'point-list' },
      ...view.points.map((p) =>
        h(
          'li',
          {
            class: `${p.applies ? '' : 'na'}${p.key === currentKey ? ' current' : ''}`,
            'data-key': p.key,
            'data-result': p.result ?? '',
            'aria-current': p.key === currentKey ? 'step' : undefined,
          },
          h('button', { type: 'button', class: 'link', onclick: () => onOpen(p.key) }, p.title),
          h('span', { class: `status${p.result ? ` result-text-${p.result}` : ''}` }, p.result ? resultLabel(p.result) : p.applies ? t('call.list.open') : t('walk.notApplicable')),
        ),
      ),
    ),
  );
}
