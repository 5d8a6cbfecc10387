/** One WebVTT cue; times are milliseconds on the track's clock (never negative). */
export type VttCue = {
  /** Optional identifier (no newline, no "-->"). */
  id?: string;
  startMs: number;
  endMs: number;
} & (
  /** Text a person reads (chapter titles): escaped here. */
  | { text: string }
  /** A metadata track's payload: written as one line of JSON, which a player's `cue.text` returns as is. */
  | { json: unknown }
);

/** 3723456 → "01:02:03.456": WebVTT's timestamp, hours always written so every cue lines up. */
export function vttTimestamp(ms: number): string {
  const t = Math.max(0, Math.round(ms));
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor(t / 60_000) % 60;
  const s = Math.floor(t / 1000) % 60;
  const frac = t % 1000;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}.${String(frac).padStart(3, '0')}`;
}

/**
 * Cue text as WebVTT wants it: `&`, `<` and `>` escaped, no blank line (which would end the cue)
 * and no "-->" (which would start a timing line).
 */
export function vttText(raw: string): string {
  return raw
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n?/g, '\n')
    .replace(/\n{2,}/g, '\n')
    .trim();
}

/** JSON on one line; `>` as \u003e so no payload can hold the "-->" that would start a timing line. */
export const vttJson = (value: unknown): string => JSON.stringify(value).replace(/>/g, '\\u003e');

const safeId = (id: string) => id.replace(/-->/g, '→').replace(/[\r\n]+/g, ' ').trim();

/** A whole WebVTT file; cues are written in the order given (callers sort them by start). */
export function webVtt(cues: readonly VttCue[], header?: string): string {
  const lines = [header ? `WEBVTT - ${header.replace(/[\r\n]+/g, ' ')}` : 'WEBVTT', ''];
  for (const c of cues) {
    if (c.id) lines.push(safeId(c.id));
    lines.push(`${vttTimestamp(c.startMs)} --> ${vttTimestamp(Math.max(c.endMs, c.startMs + 1))}`);
    lines.push('text' in c ? vttText(c.text) : vttJson(c.json), '');
  }
  return lines.join('\n');
}
