import type { OutcomeKind, PermitOutcomeView, WalkView } from '../../../server/protocol/walk';
import type { Member } from '../../shared/api';
import { h } from '../../shared/dom';
import { permitLabel, t } from '../../shared/i18n';
import { aside, beijingTime, fill, hasRole, labelled } from '../../shared/staff';
import { outcomeLabel } from '../labels';

export interface ClosePanelOptions {
  readOnly: boolean;
  member: Member;
  sign(permitType: string): void;
  close(req: { outcome: OutcomeKind; computed: OutcomeKind; overrideReason?: string }): void;
}

const OUTCOMES: OutcomeKind[] = ['pass', 'conditional_pass', 'fail', 'onsite_visit'];

/** How far the walk is: answered and still-open applicable points. */
export function progressOf(view: WalkView): { answered: number; open: number } {
  const applicable = view.points.filter((p) => p.applies);
  const answered = applicable.filter((p) => p.result).length;
  return { answered, open: applicable.length - answered };
}

/** The closed walk's decision, as recorded. */
export function closedOutcomeBox(view: WalkView): HTMLElement | null {
  const c = view.closed;
  if (!c) return null;
  return h(
    'div',
    { class: 'closed-outcome', 'data-outcome': c.outcome },
    h('strong', {}, labelled(t('walk.closedAs'), outcomeLabel(c.outcome))),
    c.overrideReason ? h('p', {}, labelled(t('walk.overrideReason'), c.overrideReason)) : null,
    c.rectificationDeadline ? h('p', {}, labelled(t('walk.deadline'), beijingTime(c.rectificationDeadline).slice(0, 10))) : null,
  );
}

/**
 * Sign-offs and closing. The computed outcome appears only once a result exists, and says it is
 * provisional while points are open; the inspector may choose another outcome with a reason.
 */
export function closePanel(view: WalkView, o: ClosePanelOptions): HTMLElement {
  const signOffs = signOffBox(view, o);
  if (view.closed) return h('div', { class: 'close-box' }, closedOutcomeBox(view), signOffs);
  const { answered, open } = progressOf(view);
  const computed = view.outcome.outcome;
  const computedLine =
    answered === 0
      ? h('p', { class: 'computed none' }, t('call.computed.none'))
      : h(
          'p',
          { class: `computed${open ? ' provisional' : ''}`, 'data-outcome': computed },
          labelled(open ? fill('call.computed.provisional', { n: open }) : t('call.computed.final'), ''),
          h('strong', {}, outcomeLabel(computed)),
        );
  const blockers = view.blockers.length
    ? h('p', { class: 'blockers', role: 'status' }, labelled(t('walk.cannotClose'), `${view.blockers[0]}${view.blockers.length > 1 ? ` ${fill('walk.andMore', { n: view.blockers.length - 1 })}` : ''}`))
    : null;
  if (o.readOnly) return h('div', { class: 'close-box' }, computedLine, signOffs, blockers);
  const close = h('button', { type: 'button', class: 'danger close-walk', disabled: view.blockers.length > 0 || answered === 0 }, t('btn.end'));
  if (answered === 0) return h('div', { class: 'close-box' }, computedLine, signOffs, h('div', { class: 'row close-row' }, close), h('p', { class: 'blockers' }, t('call.close.noResults')), blockers);
  const choice = h('select', { class: 'outcome-choice', 'aria-label': t('call.close.outcomeLabel') }, ...OUTCOMES.map((x) => h('option', { value: x }, outcomeLabel(x))));
  choice.value = computed;
  const reason = h('textarea', { class: 'override-reason', rows: 2, placeholder: t('walk.overridePlaceholder'), 'aria-label': t('walk.overrideReason'), hidden: true });
  choice.addEventListener('change', () => (reason.hidden = choice.value === computed));
  close.addEventListener('click', () => {
    if (!confirm(t('end.confirm'))) return;
    // The server closes the checklist, ends the call and seals the record; the page follows its events.
    o.close({ outcome: choice.value as OutcomeKind, computed, overrideReason: reason.value.trim() || undefined });
  });
  return h('div', { class: 'close-box' }, computedLine, signOffs, h('div', { class: 'row close-row' }, choice, close), reason, blockers);
}

/** Each permit's outcome and its department's sign-off (一业一证: every department signs its own permit). */
function signOffBox(view: WalkView, o: ClosePanelOptions): HTMLElement {
  const anyResult = progressOf(view).answered > 0;
  return h('div', { class: 'signoffs' }, h('h4', {}, t('signoff.title')), h('ul', { class: 'permit-outcomes' }, ...view.outcome.permits.map((p) => permitSignOff(view, p, o, anyResult))));
}

function permitSignOff(view: WalkView, p: PermitOutcomeView, o: ClosePanelOptions, anyResult: boolean): HTMLElement {
  const m = o.member;
  const mine = !o.readOnly && !view.closed && hasRole(m, 'inspector') && m.departments.includes(p.permitType as Member['departments'][number]);
  const blockers = p.signBlockers ?? [];
  let status: HTMLElement;
  if (p.signedBy) {
    status = h('span', { class: 'signed' }, `✓ ${fill('signoff.signedBy', { who: p.signedBy, time: p.signedAt ? beijingTime(p.signedAt) : '—' })}`);
  } else if (mine) {
    status = h('span', { class: 'sign-row' }, h('button', { type: 'button', class: 'primary small sign', disabled: blockers.length > 0, onclick: () => o.sign(p.permitType) }, t('walk.sign')));
  } else {
    status = h('span', { class: 'awaiting muted' }, t('signoff.awaiting'));
  }
  const w = p.withdrawn;
  const withdrawn =
    w && !p.signedBy
      ? h(
          'p',
          { class: 'withdrawn', role: 'status' },
          w.pointKey
            ? fill('signoff.withdrawnPoint', { point: view.points.find((x) => x.key === w.pointKey)?.title ?? w.pointKey })
            : fill('signoff.withdrawnFact', { fact: view.facts.find((f) => f.key === w.fact)?.label ?? w.fact ?? '' }),
          h('span', { class: 'muted' }, aside(fill('signoff.withdrawnBy', { who: w.withdrawnBy, time: beijingTime(w.withdrawnAt) }))),
        )
      : null;
  // Before any result there is nothing to judge: no outcome is shown rather than a default "pass".
  const outcome = anyResult || view.closed ? `${outcomeLabel(p.outcome)}${p.scorePercent !== undefined ? aside(`${p.scorePercent}%`) : ''}` : '—';
  return h(
    'li',
    { 'data-permit': p.permitType, 'data-signed': p.signedBy ? 'true' : 'false' },
    h('div', { class: 'permit-line' }, h('strong', {}, permitLabel(p.permitType)), ' ', h('span', { class: 'permit-outcome' }, outcome)),
    withdrawn,
    h('div', { class: 'signoff-line' }, status),
    !p.signedBy && mine && blockers.length ? h('p', { class: 'sign-blocker' }, labelled(t('signoff.cannotSign'), blockers[0]!)) : null,
  );
}
