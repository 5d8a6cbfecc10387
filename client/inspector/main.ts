import type { InspectionSession } from '../../server/inspection/InspectionSession';
import { api, ApiError, currentMember, type Member } from '../shared/api';
import { readBoot, toast } from '../shared/dom';
import { changePasswordView, loginView, topBar } from '../shared/staff';
import { callView } from './callView';
import { reviewView } from './case/reviewView';
import { casesView, type CasesView } from './casesView';
import { replayView, type ReplayPage } from './replay/replayView';
import { momentFromHash } from './replay/replayTime';

interface Boot {
  rtpCapabilities: unknown;
  permitTypes: string[];
}

const boot = readBoot<Boot>();
const app = document.getElementById('app')!;
document.body.classList.add('inspector', 'staff');
let dispose: (() => void) | undefined;
/** The cases view on the page now: moving between the list and a case keeps it (filters, a half-typed form). */
let cases: CasesView | undefined;
/** The replay on the page now: a link to another moment of the same session only moves its playhead. */
let replay: ReplayPage | undefined;

/** States in which no call can be held any more: their sessions open read-only (server/inspection/SessionState.ts isFinished). */
const FINISHED: ReadonlyArray<InspectionSession['state']> = ['ended', 'sealed', 'approved', 'sent_back', 'abandoned'];

/** Back to the log-in form, saying why (a login ended by an admin, a disabled account). */
function showLogin(message?: string): void {
  dispose?.();
  dispose = undefined;
  cases = undefined;
  replay = undefined;
  app.replaceChildren(topBar('console', undefined, () => void route()), loginView('login.title', () => void route(), message));
}

/** Whether a session is over; when that cannot be read, the call view says why itself. */
async function isOver(sessionId: string): Promise<boolean> {
  try {
    const { session } = await api<{ session: InspectionSession }>('GET', `/api/sessions/${encodeURIComponent(sessionId)}`);
    return FINISHED.includes(session.state);
  } catch (err) {
    if (err instanceof ApiError) return false;
    throw err;
  }
}

async function route(): Promise<void> {
  const sessionId = /^#\/session\/([\w-]+)$/.exec(location.hash)?.[1];
  const reviewId = /^#\/review\/([\w-]+)$/.exec(location.hash)?.[1];
  const caseId = /^#\/case\/([\w-]+)$/.exec(location.hash)?.[1];
  // #/replay/<session>?t=<seconds>: the query rides in the hash, so a link names a moment of the recording.
  const replayId = /^#\/replay\/([\w-]+)(?:\?.*)?$/.exec(location.hash)?.[1];
  if (!sessionId && !reviewId && !replayId && cases && app.contains(cases.root)) {
    cases.show(caseId);
    return;
  }
  if (replayId && replay?.sessionId === replayId && app.contains(replay.root)) {
    const moment = momentFromHash(location.hash);
    if (moment !== undefined) replay.seekTo(moment);
    return;
  }
  dispose?.();
  dispose = undefined;
  cases = undefined;
  replay = undefined;
  let member: Member | undefined;
  try {
    member = await currentMember();
  } catch (err) {
    toast(err instanceof ApiError ? err.message : String(err), 'error', 8000);
    return;
  }
  if (!member) return showLogin();
  const bar = topBar('console', member, () => void route());
  if (member.mustChangePassword) {
    app.replaceChildren(bar, changePasswordView(member, () => void route()));
    return;
  }
  if (sessionId) {
    // A finished inspection opens with what was decided, not as an empty call.
    if (await isOver(sessionId)) {
      location.replace(`#/review/${sessionId}`);
      return;
    }
    const view = callView(sessionId, boot.rtpCapabilities, member, showLogin);
    dispose = view.dispose;
    app.replaceChildren(bar, view.root);
  } else if (replayId) {
    replay = replayView(replayId, momentFromHash(location.hash), showLogin);
    dispose = replay.dispose;
    app.replaceChildren(bar, replay.root);
  } else if (reviewId) {
    app.replaceChildren(bar, reviewView(reviewId, showLogin));
  } else {
    cases = casesView(boot.permitTypes, member, caseId, showLogin);
    app.replaceChildren(bar, cases.root);
  }
}

window.addEventListener('hashchange', () => void route());
void route();
