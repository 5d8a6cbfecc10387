// The admin page (accounts, roles, departments) is built in client/admin/.
document.getElementById('app')!.textContent = '账号管理';
