import { z } from 'zod';
import { text, type Text } from '../platform/Text';
import { ownText } from './fieldText';

// One zod issue as a sentence a person can act on, in both languages, naming the field by its label.
// Replaces zod's own English phrases ("Expected number, received string"), which name no field.

/** A field nobody labelled: still no key on the screen. */
const SOME_FIELD = text('输入内容', 'The input');

const KINDS: Partial<Record<string, Text>> = {
  string: text('文字', 'text'),
  number: text('数字', 'a number'),
  boolean: text('“是”或“否”', 'yes or no'),
  array: text('列表', 'a list'),
  object: text('一组字段', 'a group of fields'),
};

export function issueText(issue: z.ZodIssue, label: Text = SOME_FIELD): Text {
  // A schema's own sentence (said(), addTextIssue()) names its field already.
  const own = ownText(issue);
  if (own) return own;
  const [zh, en] = [label['zh-CN'], label.en];
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type: {
      if (issue.received === 'undefined' || issue.received === 'null') return text(`请填写${zh}`, `${en} is required`);
      const kind = KINDS[issue.expected];
      return kind ? text(`${zh}应为${kind['zh-CN']}`, `${en} must be ${kind.en}`) : text(`${zh}格式不正确`, `${en} is not in the right form`);
    }
    case z.ZodIssueCode.too_small:
      return tooSmall(issue, zh, en);
    case z.ZodIssueCode.too_big:
      return tooBig(issue, zh, en);
    case z.ZodIssueCode.invalid_enum_value:
    case z.ZodIssueCode.invalid_literal:
    case z.ZodIssueCode.invalid_union_discriminator:
      return text(`${zh}不是可选的值`, `${en}: not one of the allowed values`);
    case z.ZodIssueCode.invalid_string:
      return text(`${zh}格式不正确`, `${en} is not in the right format`);
    case z.ZodIssueCode.not_finite:
      return text(`${zh}应为有效的数字`, `${en} must be a finite number`);
    case z.ZodIssueCode.unrecognized_keys:
      return text(`${zh}包含无法识别的内容`, `${en} contains fields that are not recognised`);
    default:
      return text(`${zh}无效`, `${en} is not valid`);
  }
}

function tooSmall(issue: z.ZodTooSmallIssue, zh: string, en: string): Text {
  const n = Number(issue.minimum);
  switch (issue.type) {
    case 'string':
      return n <= 1 ? text(`请填写${zh}`, `${en} is required`) : text(`${zh}至少 ${n} 个字`, `${en} needs at least ${n} characters`);
    case 'array':
    case 'set':
      return text(`${zh}至少选择 ${n} 项`, `${en}: choose at least ${n}`);
    case 'number':
    case 'bigint':
      return issue.inclusive ? text(`${zh}不能小于 ${n}`, `${en} must be at least ${n}`) : text(`${zh}必须大于 ${n}`, `${en} must be greater than ${n}`);
    default:
      return text(`${zh}太小`, `${en} is too small`);
  }
}

function tooBig(issue: z.ZodTooBigIssue, zh: string, en: string): Text {
  const n = Number(issue.maximum);
  switch (issue.type) {
    case 'string':
      return text(`${zh}不能超过 ${n} 个字`, `${en} must be at most ${n} characters`);
    case 'array':
    case 'set':
      return text(`${zh}最多选择 ${n} 项`, `${en}: choose at most ${n}`);
    case 'number':
    case 'bigint':
      return issue.inclusive ? text(`${zh}不能大于 ${n}`, `${en} must be at most ${n}`) : text(`${zh}必须小于 ${n}`, `${en} must be less than ${n}`);
    default:
      return text(`${zh}太大`, `${en} is too big`);
  }
}
