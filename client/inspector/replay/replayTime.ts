// The session clock as a reviewer reads it, and the ?t= of a link to a moment.

/** 83_400 → "1:23"; 3_723_000 → "1:02:03" (negative times, before the recording, read as 0:00). */
export function clockText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/** `#/replay/<session>?t=90` (seconds, decimals allowed) or `?t=1:30` / `?t=1:02:03`: milliseconds, or undefined. */
export function momentFromHash(hash: string): number | undefined {
  const query = hash.split('?')[1];
  const raw = query ? new URLSearchParams(query).get('t') : null;
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const parts = /^(?:(\d+):)?(\d{1,2}):(\d{2})$/.exec(raw);
  if (!parts) return undefined;
  return ((Number(parts[1] ?? 0) * 60 + Number(parts[2])) * 60 + Number(parts[3])) * 1000;
}

/** The address of this session's replay at `ms` (whole seconds: what a person would type). */
export function momentLink(sessionId: string, ms: number): string {
  return `${location.origin}${location.pathname}${location.search}#/replay/${encodeURIComponent(sessionId)}?t=${Math.max(0, Math.floor(ms / 1000))}`;
}
