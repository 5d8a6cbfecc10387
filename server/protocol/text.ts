import { z } from 'zod';
import { text, type Text } from '../platform/Text';
import { labelled, said } from './fieldText';

// Human text at the edge: business names, addresses, notes, reasons, display names. Such text ends
// up in stamps burned into evidence, in export READMEs and in logs, so it is refused at the edge
// when it carries characters no person types (control characters, broken UTF-16), and the same
// character classes are removed wherever text is rendered (see `oneLine`), for records stored
// before this check existed.

/** C0 and C1 control characters and DEL, except tab, line feed and carriage return. */
const CONTROLS_EXCEPT_LINE_BREAKS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Everything that starts a new line: LF, CR, tab (renders as a jump), VT, FF, NEL and the Unicode line/paragraph separators. */
const LINE_BREAKS = /[\t\n\r\u000B\u000C\u0085\u2028\u2029]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one: not text in any encoding. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface HumanTextOptions {
  /** How the field is called in messages, e.g. text('经营者名称', 'Business name'). */
  label: Text;
  /** Longest accepted length after trimming, in UTF-16 units (one per Chinese character). */
  max: number;
  /** Shortest accepted length after trimming; 0 (the default) accepts an empty string. */
  min?: number;
  /** The message when shorter than `min`; defaults to 请填写<label>. */
  minMessage?: Text;
  /** Notes and reasons may have several lines (LF, CRLF and tab); names and addresses may not. */
  multiline?: boolean;
}

/**
 * The one schema for human text fields: trims, refuses control characters (and any line break in a
 * single-line field) and lone surrogates with a message naming the field, and caps the length.
 * Every message is in both languages (see said()), and the field carries its label.
 */
export function humanText(opts: HumanTextOptions) {
  const { label, max, min = 0, multiline = false } = opts;
  const [zh, en] = [label['zh-CN'], label.en];
  const required = said(opts.minMessage ?? text(`请填写${zh}`, `${en} is required`));
  const controls = said(
    multiline ? text(`${zh}不能包含控制字符`, `${en} must not contain control characters`) : text(`${zh}不能包含控制字符或换行`, `${en} must not contain control characters or line breaks`),
  );
  const brokenText = said(text(`${zh}包含无法识别的字符（编码不完整）`, `${en} contains characters that cannot be read (incomplete encoding)`));
  const schema = z
    .string({ required_error: required, invalid_type_error: said(text(`${zh}必须是文字`, `${en} must be text`)) })
    .trim()
    .min(min, required)
    .max(max, said(text(`${zh}不能超过 ${max} 个字`, `${en} must be at most ${max} characters`)))
    .superRefine((s, ctx) => {
      // A multi-line field keeps LF, CR and tab; the Unicode separators would still break lines unseen.
      const bad = CONTROLS_EXCEPT_LINE_BREAKS.test(s) || (multiline ? /[\u2028\u2029]/.test(s) : LINE_BREAKS.test(s));
      if (bad) ctx.addIssue({ code: z.ZodIssueCode.custom, message: controls });
      if (LONE_SURROGATE.test(s)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: brokenText });
    });
  return labelled(schema, label);
}

const g = (re: RegExp) => new RegExp(re.source, 'g');
const ALL_CONTROLS = g(CONTROLS_EXCEPT_LINE_BREAKS);
const ALL_LINE_BREAKS = g(LINE_BREAKS);
const ALL_LONE_SURROGATES = g(LONE_SURROGATE);

/**
 * Text as it may be rendered on one line (a stamp, a README heading), whatever was stored: line
 * breaks and tabs become a space, other control characters and lone surrogates are removed, runs of
 * spaces collapse, and the result is cut to `max` characters with an ellipsis.
 */
export function oneLine(text: string, max = 300): string {
  const s = text.replace(ALL_LINE_BREAKS, ' ').replace(ALL_CONTROLS, '').replace(ALL_LONE_SURROGATES, '').replace(/ {2,}/g, ' ').trim();
  // Cut by code point: a cut between the halves of a surrogate pair would make a lone one.
  const chars = Array.from(s);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : s;
}
