import { z } from 'zod';
import { humanText } from './text';

/** Permit types the office can choose when creating a case (ids used by checklist templates later). */
export const PERMIT_TYPES = ['food_business', 'public_hygiene', 'pharmacy_retail', 'seed_business', 'fuel_retail'] as const;
export const PermitType = z.enum(PERMIT_TYPES);
export type PermitType = z.infer<typeof PermitType>;

export const NewCaseInput = z.object({
  businessName: humanText({ label: '经营者名称', min: 1, max: 200 }),
  permitTypes: z.array(PermitType).min(1, '请至少选择一种许可类型').max(PERMIT_TYPES.length),
  address: z.object({
    text: humanText({ label: '登记地址', min: 1, max: 300 }),
    lat: z.coerce.number().min(-90).max(90),
    lon: z.coerce.number().min(-180).max(180),
  }),
});
export type NewCaseInput = z.infer<typeof NewCaseInput>;

/** Who works the case: the creator (when an inspector) plus these accounts, chosen by a supervisor or admin. */
export const NewCaseRequest = NewCaseInput.extend({ assignees: z.array(z.string().min(1).max(64)).max(10).default([]) });

export const AssignInput = z.object({ accountId: z.string().min(1).max(64), assigned: z.boolean() });
export const InterruptInput = z.object({ reason: humanText({ label: '中断理由', max: 1000, multiline: true }).optional() });
export const AbandonInput = z.object({ reason: humanText({ label: '理由', min: 5, minMessage: '请填写不少于5个字的理由', max: 1000, multiline: true }) });

export const LoginInput = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
});
