import { text, type Text } from '../../platform/Text';

/** Why post-processing gave up on a segment, as stored in `failure`: `<code>: <what the tool said>`. */
export type FailureCode = 'unreadable' | 'processing';

const EXPLAINED: Record<FailureCode, Text> = {
  unreadable: text('录像文件无法读取（文件损坏或不完整）。原始文件已保留并已存证。', 'The recording file cannot be read (damaged or incomplete). The original is kept and chained.'),
  processing: text('后期处理多次失败，可在排除原因后重试。原始文件已保留。', 'Post-processing failed repeatedly; retry once the cause is fixed. The original is kept.'),
};

export function failureOf(code: FailureCode, detail: string): string {
  return `${code}: ${detail.replace(/\s+/g, ' ').trim().slice(0, 600)}`;
}

/** A stored failure as a person reads it: the explanation in their language and the tool's own words. */
export function explainFailure(failure: string | undefined): { code: FailureCode; text: Text; detail: string } {
  const m = /^(unreadable|processing): (.*)$/s.exec(failure ?? '');
  const code = (m?.[1] as FailureCode | undefined) ?? 'processing';
  return { code, text: EXPLAINED[code], detail: m?.[2] ?? failure ?? '' };
}
