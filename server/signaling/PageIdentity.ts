import type { CaseRecord } from '../cases/CaseRecord';
import type { AuthenticatedInspector } from '../cases/InspectorAuth';

/** Who is on the other end of a socket, established once at connection time. */
export type PageIdentity =
  | { role: 'applicant'; sessionId: string; caseRecord: CaseRecord; linkId: string }
  | { role: 'inspector'; sessionId: string; caseRecord: CaseRecord; inspector: AuthenticatedInspector };
