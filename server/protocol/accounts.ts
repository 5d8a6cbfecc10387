import { z } from 'zod';
import { STAFF_ROLES } from '../accounts/Account';
import { text } from '../platform/Text';
import { PermitType } from './cases';
import { labelled, said } from './fieldText';

// Account administration and a user's own password, as sent by the admin page and the console.

const Password = z.string().min(8, said(text('密码至少8个字符', 'A password needs at least 8 characters'))).max(200);
const Roles = labelled(z.array(z.enum(STAFF_ROLES)).min(1, said(text('请至少选择一个角色', 'Choose at least one role'))).max(STAFF_ROLES.length), text('角色', 'Roles'));
const Departments = labelled(z.array(PermitType).max(10), text('所属部门', 'Departments'));
const DisplayName = z.string().trim().min(1, said(text('请填写姓名', 'Enter the name'))).max(60);

export const NewAccountInput = z.object({
  username: labelled(z.string().trim().regex(/^[A-Za-z0-9._-]{2,40}$/, said(text('用户名为2-40位字母、数字或 . _ -', 'A username has 2-40 letters, digits or . _ -'))), text('用户名', 'Username')),
  displayName: labelled(DisplayName, text('姓名', 'Name')),
  password: labelled(Password, text('密码', 'Password')),
  roles: Roles,
  departments: Departments.default([]),
});

export const UpdateAccountInput = z.object({
  displayName: labelled(DisplayName, text('姓名', 'Name')).optional(),
  roles: Roles.optional(),
  departments: Departments.optional(),
});

export const ResetPasswordInput = z.object({ password: labelled(Password, text('新密码', 'New password')) });
export const ChangePasswordInput = z.object({
  current: labelled(z.string().min(1).max(200), text('当前密码', 'Current password')),
  next: labelled(Password, text('新密码', 'New password')),
});
