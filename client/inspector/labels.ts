import type { OutcomeKind } from '../../server/protocol/walk';
import { t, type MessageKey } from '../shared/i18n';

// Translated names of server states: the server sends codes, the console shows words.

export const sessionStateLabel = (s: string): string => t(`session.state.${s}` as MessageKey) ?? s;
export const caseStatusLabel = (s: string): string => t(`console.caseStatus.${s}` as MessageKey) ?? s;
export const outcomeLabel = (o: OutcomeKind | string): string => t(`outcome.${o}` as MessageKey) ?? o;
/** A checklist result (合格 / 不合格 / 需整改 / 需现场核查 / 不适用). */
export const resultLabel = (r: string): string => t(`result.${r}` as MessageKey) ?? r;
