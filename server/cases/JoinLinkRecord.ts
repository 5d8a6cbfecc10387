export interface JoinLinkRecord {
  id: string;
  caseId: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
}
