export interface InspectorAccount {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  createdAt: number;
}

export interface LoginSession {
  /** SHA-256 of the cookie token: a leaked database does not leak live logins. */
  tokenHash: string;
  inspectorId: string;
  createdAt: number;
  expiresAt: number;
}
