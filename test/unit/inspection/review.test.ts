import { caseStatus } from '../../../server/inspection/caseStatus';
import type { InspectionSession } from '../../../server/inspection/InspectionSession';
import { awaitsDecision, decisionIn } from '../../../server/inspection/reviewDecision';
import { isFinished, isSealedRecord, SESSION_STATES, type SessionState } from '../../../server/inspection/SessionState';
import type { SessionTransition } from '../../../server/inspection/SessionTransition';

const session = (state: SessionState, createdAt: number, outcome?: string): InspectionSession => ({ id: `s${createdAt}`, caseId: 'c', state, createdAt, stateChangedAt: createdAt, outcome });
const step = (seq: number, from: SessionState, to: SessionState, trigger: SessionTransition['trigger'], actor: string, reason?: string): SessionTransition => ({ sessionId: 's', seq, from, to, trigger, actor, reason, at: 1000 + seq });

describe('review decision in the lifecycle', () => {
  it('awaits a decision only while sealed', () => {
    expect(SESSION_STATES.filter(awaitsDecision)).toEqual(['sealed']);
  });

  it('counts decided sessions as finished and as sealed records (reviewable, re-inspectable)', () => {
    expect(SESSION_STATES.filter(isSealedRecord)).toEqual(['sealed', 'approved', 'sent_back']);
    for (const s of ['approved', 'sent_back'] as const) expect(isFinished(s)).toBe(true);
  });

  it('reads the decision back from the stored steps', () => {
    const sealed = [step(1, 'checklist_closed', 'ended', 'call_ended', 'inspector'), step(2, 'ended', 'sealed', 'sealed', 'system')];
    expect(decisionIn(sealed)).toBeUndefined();
    expect(decisionIn([...sealed, step(3, 'sealed', 'sent_back', 'review_sent_back', 'rev', '灭火器照片看不清')])).toEqual({ decision: 'send_back', reason: '灭火器照片看不清', by: 'rev', at: 1003 });
    expect(decisionIn([...sealed, step(3, 'sealed', 'approved', 'review_approved', 'rev', '记录完整，同意')])).toEqual({ decision: 'approve', reason: '记录完整，同意', by: 'rev', at: 1003 });
  });
});

describe('case status after review', () => {
  it('is decided once the latest inspection is approved, whatever its outcome', () => {
    expect(caseStatus([session('approved', 1, 'pass')])).toBe('decided');
    expect(caseStatus([session('approved', 1, 'conditional_pass')])).toBe('decided');
  });

  it('says a sent-back inspection went back to the inspector, until a re-inspection follows', () => {
    expect(caseStatus([session('sent_back', 1, 'fail')])).toBe('sent_back');
    expect(caseStatus([session('sent_back', 1, 'fail'), session('scheduled', 2)])).toBe('inspection_scheduled');
    expect(caseStatus([session('sent_back', 1, 'fail'), session('abandoned', 2)])).toBe('sent_back');
  });

  it('still awaits review or rectification while sealed and undecided', () => {
    expect(caseStatus([session('sealed', 1, 'fail')])).toBe('awaiting_review');
    expect(caseStatus([session('sealed', 1, 'conditional_pass')])).toBe('awaiting_rectification');
  });
});
