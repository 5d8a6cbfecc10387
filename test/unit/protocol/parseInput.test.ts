import { z } from 'zod';
import { Invalid } from '../../../server/platform/errors';
import { text, type Text } from '../../../server/platform/Text';
import { NewAccountInput } from '../../../server/protocol/accounts';
import { NewCaseRequest } from '../../../server/protocol/cases';
import { addTextIssue, labelled } from '../../../server/protocol/fieldText';
import { parseInput } from '../../../server/protocol/parseInput';
import { PositionReport } from '../../../server/protocol/signaling';
import { humanText } from '../../../server/protocol/text';
import { SetResultRequest } from '../../../server/protocol/walk';

const CJK = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;
/** zod's own English phrases, which name no field and are not ours. */
const ZOD_PHRASES = /Expected|Required$|received|String must contain|Number must be|Array must contain|Invalid enum value|Invalid input: /;

function refusal(schema: z.ZodTypeAny, raw: unknown): Text {
  try {
    parseInput(schema, raw);
  } catch (err) {
    expect(err).toBeInstanceOf(Invalid);
    return (err as Invalid).userText;
  }
  throw new Error('input was accepted');
}

/** Both sides name fields by label only: no key, no dotted path, no zod phrase; English has no Chinese. */
function expectWorded(t: Text, keys: string[]) {
  for (const side of [t['zh-CN'], t.en]) {
    for (const key of keys) expect(side).not.toMatch(new RegExp(`(^|[^A-Za-z])${key.replace('.', '\\.')}([^A-Za-z]|$)`));
    expect(side).not.toMatch(/\b\w+\.\w+:/);
  }
  expect(t.en).not.toMatch(CJK);
  expect(t.en.replace(/^Invalid input: /, '')).not.toMatch(ZOD_PHRASES);
}

describe('parseInput words refusals by field label, in both languages', () => {
  it('refuses a bad new-case body naming 经营者名称 / Business name, never a key', () => {
    const t = refusal(NewCaseRequest, { businessName: '店'.repeat(201), permitTypes: ['casino'], address: { text: 'x', lat: 200, lon: 0 } });
    expect(t['zh-CN']).toMatch(/^输入有误：/);
    expect(t['zh-CN']).toContain('经营者名称不能超过 200 个字');
    expect(t.en).toMatch(/^Invalid input: /);
    expect(t.en).toContain('Business name must be at most 200 characters');
    expectWorded(t, ['businessName', 'permitTypes', 'address.lat', 'address', 'lat', 'lon', 'text']);
  });

  it('says what is missing when the body is empty', () => {
    const t = refusal(NewCaseRequest, {});
    expect(t['zh-CN']).toContain('请填写经营者名称');
    expect(t.en).toContain('Business name is required');
    expectWorded(t, ['businessName', 'permitTypes', 'address']);
  });

  it('gives human text fields their control-character, length and required messages in both languages', () => {
    const note = z.object({ reason: humanText({ label: text('理由', 'Reason'), min: 5, minMessage: text('请填写不少于5个字的理由', 'Give a reason of at least 5 characters'), max: 20 }) });
    expect(refusal(note, { reason: 'ab\u0007cdef' })).toEqual(text('输入有误：理由不能包含控制字符或换行', 'Invalid input: Reason must not contain control characters or line breaks'));
    expect(refusal(note, { reason: '短' })).toEqual(text('输入有误：请填写不少于5个字的理由', 'Invalid input: Give a reason of at least 5 characters'));
    expect(refusal(note, { reason: 'x'.repeat(21) })).toEqual(text('输入有误：理由不能超过 20 个字', 'Invalid input: Reason must be at most 20 characters'));
    expect(refusal(note, {})).toEqual(text('输入有误：请填写不少于5个字的理由', 'Invalid input: Give a reason of at least 5 characters'));
    expect(refusal(note, { reason: 42 })).toEqual(text('输入有误：理由必须是文字', 'Invalid input: Reason must be text'));
    expect(refusal(note, { reason: 'abcde\uD800' }).en).toContain('Reason contains characters that cannot be read');
  });

  it('replaces zod’s phrases for numbers, enums, arrays, strings and nesting, with each field’s label', () => {
    const schema = z.object({
      place: z.object({
        lat: labelled(z.coerce.number().min(-90).max(90), text('纬度', 'Latitude')),
        accuracy: labelled(z.number().positive(), text('定位精度', 'Location accuracy')),
      }),
      kinds: labelled(z.array(z.enum(['a', 'b'])).min(1).max(2), text('许可类型', 'Permit types')),
      code: labelled(z.string().regex(/^\d{6}$/), text('邮编', 'Postcode')),
      count: labelled(z.number().int(), text('数量', 'Count')).optional(),
    });
    const t = refusal(schema, { place: { lat: 'north', accuracy: 0 }, kinds: ['c', 'a', 'b'], code: 'abc', count: 'many' });
    expect(t['zh-CN'].split('：')[1]!.split('；')).toEqual([
      '纬度应为数字',
      '定位精度必须大于 0',
      '许可类型最多选择 2 项',
      '许可类型不是可选的值',
      '邮编格式不正确',
      '数量应为数字',
    ]);
    expect(t.en).toBe(
      'Invalid input: Latitude must be a number; Location accuracy must be greater than 0; Permit types: choose at most 2; Permit types: not one of the allowed values; Postcode is not in the right format; Count must be a number',
    );
    expect(refusal(schema, { place: { lat: 91, accuracy: 1 }, kinds: [], code: '100000' })).toEqual(
      text('输入有误：纬度不能大于 90；许可类型至少选择 1 项', 'Invalid input: Latitude must be at most 90; Permit types: choose at least 1'),
    );
    expectWorded(t, ['place', 'kinds', 'count']);
  });

  it('labels the same shared schema differently per use', () => {
    const Password = z.string().min(8);
    const schema = z.object({ current: labelled(Password, text('当前密码', 'Current password')), next: labelled(Password, text('新密码', 'New password')) });
    expect(refusal(schema, { current: 'short', next: 'also' })).toEqual(
      text('输入有误：当前密码至少 8 个字；新密码至少 8 个字', 'Invalid input: Current password needs at least 8 characters; New password needs at least 8 characters'),
    );
  });

  it('keeps a schema’s own sentence and finds its English twin (accounts, positions, the walk)', () => {
    const account = refusal(NewAccountInput, { username: '张', displayName: '', password: 'short', roles: [] });
    expect(account['zh-CN']).toBe('输入有误：用户名为2-40位字母、数字或 . _ -；请填写姓名；密码至少8个字符；请至少选择一个角色');
    expect(account.en).toBe('Invalid input: A username has 2-40 letters, digits or . _ -; Enter the name; A password needs at least 8 characters; Choose at least one role');
    expectWorded(account, ['displayName', 'roles']);

    const position = refusal(PositionReport, { lat: 999, lon: 0, accuracy: 5, fixTime: 1 });
    expect(position['zh-CN']).toBe('输入有误：纬度不能大于 90；手机时间不合理（早于 2020 年），请校准手机时间');
    expect(position.en).toBe('Invalid input: Latitude must be at most 90; The phone’s clock is implausible (before 2020); please set the phone’s time');

    const result = refusal(SetResultRequest, { key: '', result: 'great' });
    expect(result).toEqual(text('输入有误：请填写检查项；检查结果不是可选的值', 'Invalid input: Checklist point is required; Result: not one of the allowed values'));
  });

  it('carries a refinement’s own finding, built from the input, in both languages', () => {
    const coordinate = z.object({ lat: z.string() }).superRefine((v, ctx) => {
      if (!/^\d+\.\d+$/.test(v.lat)) addTextIssue(ctx, text(`纬度“${v.lat}”无法识别`, `Latitude “${v.lat}” cannot be read`), ['lat']);
    });
    expect(refusal(coordinate, { lat: '39度' })).toEqual(text('输入有误：纬度“39度”无法识别', 'Invalid input: Latitude “39度” cannot be read'));
  });

  it('names an unlabelled field generically, never by its key', () => {
    const t = refusal(z.object({ secretKeyName: z.number() }), { secretKeyName: 'x' });
    expect(t).toEqual(text('输入有误：输入内容应为数字', 'Invalid input: The input must be a number'));
  });
});
