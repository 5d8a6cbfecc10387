import { text, type Lang } from '../platform/Text';

// Reasons the server itself writes into a session's history. The history is a sealed record and
// keeps the zh-CN wording (the office's language); a reader in English sees these in English.
// Reasons staff typed are shown as typed.

export const SYSTEM_REASONS = {
  walkClosed: text('检查清单已结束', 'The checklist was closed'),
  callEndedWithWalkOpen: text('检查清单未结束时结束了通话', 'The call ended while the checklist was still open'),
  closedAfterRestart: text('服务器重启后补记清单结束', 'The checklist’s closing was recorded after a server restart'),
  sealedAfterRestart: text('服务器重启后完成封存', 'Sealed after a server restart'),
  restarted: text('服务器重启，通话需重新进入', 'The server restarted; the call has to be joined again'),
};

const BY_STORED = new Map(Object.values(SYSTEM_REASONS).map((t) => [t['zh-CN'], t]));

/** A stored reason in the reader's language: the server's own in either language, a person's as written. */
export function readReason(stored: string, lang: Lang): string {
  return BY_STORED.get(stored)?.[lang] ?? stored;
}
