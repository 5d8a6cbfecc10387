import type { CaptureProgress } from '../../../server/protocol/signaling';
import { h } from '../../shared/dom';
import { t, type MessageKey } from '../../shared/i18n';
import { labelled } from '../../shared/staff';

/** Chip labels: a photo that waits is kept on the phone (the reason says why), a refused one was the photo's own fault. */
const CAPTURE_LABEL: Partial<Record<CaptureProgress['state'], MessageKey>> = { retrying: 'capture.state.waiting', failed: 'capture.state.refused' };

/** A requested photo not yet in: what the phone is doing with it and, when it waits or was refused, why. */
export function captureChip(c: CaptureProgress): HTMLElement {
  const label = t(CAPTURE_LABEL[c.state] ?? (`capture.state.${c.state}` as MessageKey));
  return h('span', { class: `capture-state state-${c.state}`, 'data-request-id': c.requestId, title: c.message }, label, c.message ? h('span', { class: 'capture-reason' }, labelled('', c.message)) : null);
}
