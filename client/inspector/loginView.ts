import { h, toast } from '../shared/dom';
import { t } from '../shared/i18n';
import { api } from './api';

export function loginView(onDone: () => void): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'card login' },
    h('h1', {}, t('login.title')),
    h('label', {}, t('login.username'), username),
    h('label', {}, t('login.password'), password),
    h('button', { class: 'primary', type: 'submit' }, t('btn.login')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    api('POST', '/api/login', { username: username.value, password: password.value })
      .then(onDone)
      .catch((err: Error) => toast(err.message, 'error'));
  });
  return form;
}
