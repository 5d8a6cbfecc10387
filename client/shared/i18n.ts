// zh-CN first; English for visiting staff. Choose with ?lang=en (remembered): see ./pageLang.ts.
// The messages live by concept in ./messages/; this file only picks the language and looks them up.
import * as call from './messages/call';
import * as cases from './messages/cases';
import * as core from './messages/core';
import * as geo from './messages/geo';
import * as phone from './messages/phone';
import * as replay from './messages/replay';
import * as staff from './messages/staff';
import { pickLang } from './pageLang';

const zh = { ...core.zh, ...staff.zh, ...phone.zh, ...cases.zh, ...call.zh, ...geo.zh, ...replay.zh } as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = { ...core.en, ...staff.en, ...phone.en, ...cases.en, ...call.en, ...geo.en, ...replay.en };

export const lang = pickLang();
const dict: Record<MessageKey, string> = lang === 'en' ? en : zh;

export function t(key: MessageKey): string {
  return dict[key];
}

export function permitLabel(permit: string): string {
  const key = `permit.${permit}` as MessageKey;
  return key in dict ? dict[key] : permit;
}
