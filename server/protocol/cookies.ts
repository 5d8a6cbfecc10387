export const LOGIN_COOKIE = 'kanyan_login';
