import { z } from 'zod';
import { DATUM_SYSTEMS } from '../geo/datum';
import { pointProblemText } from '../geo/pointProblemText';
import { checkRegisteredPoint, type PointProblem } from '../geo/registeredPoint';
import { text } from '../platform/Text';
import type { RegisteredAddressInput } from '../cases/CaseRecord';
import { addTextIssue, labelled, said } from './fieldText';
import { humanText } from './text';

/** Permit types the office can choose when creating a case (ids used by checklist templates later). */
export const PERMIT_TYPES = ['food_business', 'public_hygiene', 'pharmacy_retail', 'seed_business', 'fuel_retail'] as const;
export const PermitType = z.enum(PERMIT_TYPES);
export type PermitType = z.infer<typeof PermitType>;

/**
 * A coordinate as the clerk typed it: the form sends the text, so degrees-minutes-seconds can be
 * recognised and refused with the decimal value to type instead; API clients may send numbers.
 */
const Coordinate = z.union([z.string(), z.number()]).optional();

/**
 * The registered address. Coordinates come in the system of the app they were copied from (GPS,
 * 高德/腾讯 GCJ-02, 百度 BD-09) and leave as WGS-84, the phone's system, with what was typed kept.
 */
const AddressInput = z
  .object({
    text: humanText({ label: text('登记地址', 'Registered address'), min: 1, max: 300 }),
    system: labelled(z.enum(DATUM_SYSTEMS).default('wgs84'), text('坐标来源', 'Coordinate source')),
    lat: labelled(Coordinate, text('纬度', 'Latitude')),
    lon: labelled(Coordinate, text('经度', 'Longitude')),
  })
  .transform((a, ctx) => {
    const point = checkRegisteredPoint(a.system, a);
    if (!point.ok) {
      for (const p of point.problems) addTextIssue(ctx, pointProblemText(p), pathOf(p));
      return z.NEVER;
    }
    const address: Required<RegisteredAddressInput> = { text: a.text, lat: point.wgs84.lat, lon: point.wgs84.lon, system: point.system, original: point.original };
    return address;
  });

const pathOf = (p: PointProblem): string[] => ('axis' in p ? [p.axis] : []);

export const NewCaseInput = z.object({
  businessName: humanText({ label: text('经营者名称', 'Business name'), min: 1, max: 200 }),
  permitTypes: labelled(z.array(PermitType).min(1, said(text('请至少选择一种许可类型', 'Choose at least one permit type'))).max(PERMIT_TYPES.length), text('许可类型', 'Permit types')),
  address: AddressInput,
});

/** A case to create: the address's coordinates are WGS-84 already (code that opens cases itself may leave out their source). */
export type NewCaseInput = Omit<z.infer<typeof NewCaseInput>, 'address'> & { address: RegisteredAddressInput };

/** Who works the case: the creator (when an inspector) plus these accounts, chosen by a supervisor or admin. */
export const NewCaseRequest = NewCaseInput.extend({ assignees: labelled(z.array(z.string().min(1).max(64)).max(10), text('指派人员', 'Assignees')).default([]) });

export const AssignInput = z.object({ accountId: labelled(z.string().min(1).max(64), text('账号', 'Account')), assigned: labelled(z.boolean(), text('是否指派', 'Assigned')) });
export const InterruptInput = z.object({ reason: humanText({ label: text('中断理由', 'Reason for the interruption'), max: 1000, multiline: true }).optional() });
export const AbandonInput = z.object({
  reason: humanText({ label: text('理由', 'Reason'), min: 5, minMessage: text('请填写不少于5个字的理由', 'Give a reason of at least 5 characters'), max: 1000, multiline: true }),
});

export const LoginInput = z.object({
  username: labelled(z.string().trim().min(1).max(100), text('用户名', 'Username')),
  password: labelled(z.string().min(1).max(200), text('密码', 'Password')),
});
