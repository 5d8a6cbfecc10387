import { h, readBoot } from '../shared/dom';
import { lang, t } from '../shared/i18n';
import { api, ApiError } from './api';
import { callView } from './callView';
import { casesView } from './casesView';
import { loginView } from './loginView';

interface Boot {
  rtpCapabilities: unknown;
  permitTypes: string[];
}

const boot = readBoot<Boot>();
const app = document.getElementById('app')!;
document.body.classList.add('inspector');
let dispose: (() => void) | undefined;

function topBar(user: string | undefined): HTMLElement {
  return h(
    'header',
    { class: 'topbar' },
    h('a', { class: 'brand', href: '#/cases' }, `${t('app.title')} · Kanyan`),
    h('span', { class: 'spacer' }),
    h('a', { href: lang === 'en' ? '?lang=zh-CN' : '?lang=en' }, lang === 'en' ? '中文' : 'English'),
    user ? h('span', { class: 'user' }, user) : null,
    user ? h('button', { onclick: () => void api('POST', '/api/logout').then(route) }, t('btn.logout')) : null,
  );
}

async function route(): Promise<void> {
  dispose?.();
  dispose = undefined;
  let user: string | undefined;
  try {
    user = (await api<{ inspector: { displayName: string } }>('GET', '/api/me')).inspector.displayName;
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err;
  }
  if (!user) {
    app.replaceChildren(topBar(undefined), loginView(() => void route()));
    return;
  }
  const m = /^#\/session\/([\w-]+)$/.exec(location.hash);
  if (m) {
    const view = callView(m[1]!, boot.rtpCapabilities);
    dispose = view.dispose;
    app.replaceChildren(topBar(user), view.root);
  } else {
    app.replaceChildren(topBar(user), casesView(boot.permitTypes));
  }
}

window.addEventListener('hashchange', () => void route());
void route();
