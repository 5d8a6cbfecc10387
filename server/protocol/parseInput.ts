import type { z } from 'zod';
import { Invalid } from '../platform/errors';
import { text, type Text } from '../platform/Text';
import { labelAt } from './fieldText';
import { issueText } from './issueText';

/**
 * Parses untrusted input at the edge (HTTP body or socket message). A refusal says what is wrong with
 * each bad field, named by its label in both languages; the keys go to the log detail only.
 */
export function parseInput<S extends z.ZodTypeAny>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const keys = r.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
    throw new Invalid(refusalText(schema, r.error, text('输入有误', 'Invalid input')), keys.join('; '));
  }
  return r.data;
}

/** "<what>：<field problem>；<field problem>" in both languages, each problem once. */
export function refusalText(schema: z.ZodTypeAny, error: z.ZodError, what: Text): Text {
  const texts = error.issues.map((i) => issueText(i, labelAt(schema, i.path)));
  const unique = (side: keyof Text) => [...new Set(texts.map((t) => t[side]))];
  return text(`${what['zh-CN']}：${unique('zh-CN').join('；')}`, `${what.en}: ${unique('en').join('; ')}`);
}
