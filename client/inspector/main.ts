import { ApiError, currentMember, type Member } from '../shared/api';
import { readBoot, toast } from '../shared/dom';
import { changePasswordView, loginView, topBar } from '../shared/staff';
import { callView } from './callView';
import { casesView } from './casesView';

interface Boot {
  rtpCapabilities: unknown;
  permitTypes: string[];
}

const boot = readBoot<Boot>();
const app = document.getElementById('app')!;
document.body.classList.add('inspector', 'staff');
let dispose: (() => void) | undefined;

/** Back to the log-in form, saying why (a login ended by an admin, a disabled account). */
function showLogin(message?: string): void {
  dispose?.();
  dispose = undefined;
  app.replaceChildren(topBar('console', undefined, () => void route()), loginView('login.title', () => void route(), message));
}

async function route(): Promise<void> {
  dispose?.();
  dispose = undefined;
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
  const m = /^#\/session\/([\w-]+)$/.exec(location.hash);
  if (m) {
    const view = callView(m[1]!, boot.rtpCapabilities, member, showLogin);
    dispose = view.dispose;
    app.replaceChildren(bar, view.root);
  } else {
    const caseId = /^#\/case\/([\w-]+)$/.exec(location.hash)?.[1];
    app.replaceChildren(bar, casesView(boot.permitTypes, member, caseId, showLogin));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
