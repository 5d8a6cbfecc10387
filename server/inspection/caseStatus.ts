import type { InspectionSession } from './InspectionSession';

/** Where a case stands for the office, derived from its sessions (never set by a page). */
export type CaseStatus = 'received' | 'inspection_scheduled' | 'in_inspection' | 'awaiting_rectification' | 'awaiting_review' | 'sent_back' | 'decided';

export function caseStatus(sessions: readonly InspectionSession[]): CaseStatus {
  const live = sessions.filter((s) => s.state !== 'abandoned');
  if (!live.length) return 'received';
  if (live.some((s) => ['waiting_for_applicant', 'live', 'applicant_reconnecting', 'checklist_closed', 'interrupted'].includes(s.state))) return 'in_inspection';
  const latest = [...live].sort((a, b) => a.createdAt - b.createdAt).at(-1)!;
  if (latest.state === 'scheduled') return 'inspection_scheduled';
  // The reviewer's decision on the latest inspection settles it, or hands it back to the inspector.
  if (latest.state === 'approved') return 'decided';
  if (latest.state === 'sent_back') return 'sent_back';
  if (latest.state === 'ended' || latest.state === 'sealed') return latest.outcome === 'conditional_pass' ? 'awaiting_rectification' : 'awaiting_review';
  return 'in_inspection';
}
