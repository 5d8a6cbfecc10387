import type { Lang } from '../platform/Text';

/**
 * socket.io room names. Every page of a session is in `session:<id>`, and in the staff or the
 * applicant sub-room; staff pages are also in `account:<id>` so an account can be signed out
 * everywhere. A page's own socket id is a room too (its media offers go there). Every page is
 * also in the room of its language, so a message with words is sent to each language's pages apart.
 */
export const roomOf = {
  session: (sessionId: string) => `session:${sessionId}`,
  staff: (sessionId: string) => `session:${sessionId}:staff`,
  applicant: (sessionId: string) => `session:${sessionId}:applicant`,
  account: (accountId: string) => `account:${accountId}`,
  login: (loginId: string) => `login:${loginId}`,
  lang: (lang: Lang) => `lang:${lang}`,
};
