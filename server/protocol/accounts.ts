import { z } from 'zod';
import { STAFF_ROLES } from '../accounts/Account';
import { PermitType } from './cases';

// Account administration and a user's own password, as sent by the admin page and the console.

const Password = z.string().min(8, '密码至少8个字符').max(200);
const Roles = z.array(z.enum(STAFF_ROLES)).min(1, '请至少选择一个角色').max(STAFF_ROLES.length);
const Departments = z.array(PermitType).max(10);

export const NewAccountInput = z.object({
  username: z.string().trim().regex(/^[A-Za-z0-9._-]{2,40}$/, '用户名为2-40位字母、数字或 . _ -'),
  displayName: z.string().trim().min(1, '请填写姓名').max(60),
  password: Password,
  roles: Roles,
  departments: Departments.default([]),
});

export const UpdateAccountInput = z.object({
  displayName: z.string().trim().min(1).max(60).optional(),
  roles: Roles.optional(),
  departments: Departments.optional(),
});

export const ResetPasswordInput = z.object({ password: Password });
export const ChangePasswordInput = z.object({ current: z.string().min(1).max(200), next: Password });
