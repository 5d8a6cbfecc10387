// The shop owner's phone page. It first says who is calling (office, inspector, business) and why
// it needs the camera, microphone and location; the browser asks for them only after "start",
// unless this tab started before or the browser already allows them (see consent.ts).
import { lang, t } from '../shared/i18n';
import { officeName, readPhoneBoot } from './boot';
import { mediaAlreadyAllowed, startedInThisTab } from './consent';
import { takeEarlyCamera } from './earlyCamera';
import { PhoneCall } from './PhoneCall';

const boot = readPhoneBoot();
document.documentElement.lang = lang;
document.title = `${t('phone.title')} · ${officeName(boot)}`;

const call = new PhoneCall(boot);
(window as unknown as { __kanyan: PhoneCall['probe'] }).__kanyan = call.probe;
call.probe.marks.scriptStart = performance.now();

/** Resolves after the page has painted: a prompt the browser shows next then sits over the page that explains it. */
const afterPaint = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

void (async () => {
  const early = takeEarlyCamera();
  // Without the early script (it failed to load), ask the browser here; it answers without prompting.
  const camera = early ? await early : (await mediaAlreadyAllowed()) ? { stream: null } : null;
  if (camera) return call.start(camera.stream);
  if (startedInThisTab()) {
    await afterPaint();
    call.start(null);
  }
})();
