import { SESSION_STATES, type SessionState } from '../../../server/inspection/SessionState';
import type { TransitionTrigger } from '../../../server/inspection/SessionTransition';
import { canTransition, presenceStep, TRANSITIONS } from '../../../server/inspection/transitions';

// The lifecycle as the issue describes it, written out edge by edge: the table in the code must match.
const ALLOWED: Array<[SessionState, TransitionTrigger, SessionState]> = [
  ['scheduled', 'inspector_joined', 'waiting_for_applicant'],
  ['scheduled', 'inspector_joined', 'live'],
  ['waiting_for_applicant', 'applicant_joined', 'live'],
  ['applicant_reconnecting', 'applicant_joined', 'live'],
  ['live', 'applicant_dropped', 'applicant_reconnecting'],
  ['live', 'applicant_absent', 'waiting_for_applicant'],
  ['applicant_reconnecting', 'applicant_absent', 'waiting_for_applicant'],
  ['scheduled', 'walk_closed', 'checklist_closed'],
  ['waiting_for_applicant', 'walk_closed', 'checklist_closed'],
  ['live', 'walk_closed', 'checklist_closed'],
  ['applicant_reconnecting', 'walk_closed', 'checklist_closed'],
  ['checklist_closed', 'call_ended', 'ended'],
  ['scheduled', 'call_ended', 'interrupted'],
  ['waiting_for_applicant', 'call_ended', 'interrupted'],
  ['live', 'call_ended', 'interrupted'],
  ['applicant_reconnecting', 'call_ended', 'interrupted'],
  ['ended', 'sealed', 'sealed'],
  // The reviewer's one decision on a sealed inspection.
  ['sealed', 'review_approved', 'approved'],
  ['sealed', 'review_sent_back', 'sent_back'],
  ['interrupted', 'resumed', 'scheduled'],
  ['scheduled', 'abandoned', 'abandoned'],
  ['interrupted', 'abandoned', 'abandoned'],
  ['waiting_for_applicant', 'server_restarted', 'scheduled'],
  ['live', 'server_restarted', 'scheduled'],
  ['applicant_reconnecting', 'server_restarted', 'scheduled'],
];

describe('inspection lifecycle transitions', () => {
  const triggers = Object.keys(TRANSITIONS) as TransitionTrigger[];
  const key = (f: string, t: string, to: string) => `${f} --${t}--> ${to}`;
  const allowed = new Set(ALLOWED.map(([f, t, to]) => key(f, t, to)));

  it('allows exactly the listed steps and refuses every other (state, trigger, state) triple', () => {
    const actual: string[] = [];
    for (const from of SESSION_STATES) for (const t of triggers) for (const to of SESSION_STATES) if (canTransition(from, t, to)) actual.push(key(from, t, to));
    expect(actual.sort()).toEqual([...allowed].sort());
    // 11 states x 12 triggers x 11 states: everything else is refused.
    expect(SESSION_STATES.length * triggers.length * SESSION_STATES.length - actual.length).toBe(1452 - ALLOWED.length);
  });

  it('leaves decided and abandoned sessions with no way out, and a sealed one only to the review decision', () => {
    for (const from of ['approved', 'sent_back', 'abandoned'] as const) {
      for (const t of triggers) for (const to of SESSION_STATES) expect(canTransition(from, t, to)).toBe(false);
    }
    const outOfSealed = triggers.flatMap((t) => SESSION_STATES.filter((to) => canTransition('sealed', t, to)).map((to) => `${t}->${to}`));
    expect(outOfSealed.sort()).toEqual(['review_approved->approved', 'review_sent_back->sent_back']);
  });

  it('derives the step from who is in the call', () => {
    expect(presenceStep('scheduled', { applicant: 'live', inspectors: 0 })).toBeUndefined(); // the phone waits for an inspector
    expect(presenceStep('scheduled', { applicant: 'waiting', inspectors: 1 })).toEqual({ trigger: 'inspector_joined', to: 'waiting_for_applicant' });
    expect(presenceStep('scheduled', { applicant: 'live', inspectors: 1 })).toEqual({ trigger: 'inspector_joined', to: 'live' });
    expect(presenceStep('waiting_for_applicant', { applicant: 'live', inspectors: 1 })).toEqual({ trigger: 'applicant_joined', to: 'live' });
    expect(presenceStep('live', { applicant: 'reconnecting', inspectors: 1 })).toEqual({ trigger: 'applicant_dropped', to: 'applicant_reconnecting' });
    expect(presenceStep('applicant_reconnecting', { applicant: 'live', inspectors: 1 })).toEqual({ trigger: 'applicant_joined', to: 'live' });
    expect(presenceStep('applicant_reconnecting', { applicant: 'absent', inspectors: 1 })).toEqual({ trigger: 'applicant_absent', to: 'waiting_for_applicant' });
    // The inspector leaving does not end the inspection; only the inspector's own "end" does.
    expect(presenceStep('live', { applicant: 'live', inspectors: 0 })).toBeUndefined();
    for (const s of ['checklist_closed', 'ended', 'sealed', 'approved', 'sent_back', 'interrupted', 'abandoned'] as const) {
      expect(presenceStep(s, { applicant: 'live', inspectors: 1 })).toBeUndefined();
    }
    // Every step presence can produce is an allowed one.
    for (const s of SESSION_STATES) {
      for (const a of ['waiting', 'live', 'reconnecting', 'absent'] as const) {
        for (const n of [0, 1, 2]) {
          const step = presenceStep(s, { applicant: a, inspectors: n });
          if (step) expect(canTransition(s, step.trigger, step.to)).toBe(true);
        }
      }
    }
  });
});
