import { text, type Text } from '../platform/Text';
import type { EndReason } from '../protocol/signaling';

// Shown on both pages as the reason the call ended, in the page's language (the pages may also word it by reason code).
export const END_MESSAGES: Record<EndReason, Text> = {
  finished: text('本次视频勘验已结束，感谢您的配合。', 'This video inspection has ended. Thank you for your help.'),
  interrupted: text('审批人员已暂停本次勘验，稍后会与您联系继续。', 'The inspector has paused this inspection and will contact you to continue.'),
  replaced: text('此链接已在另一台设备上打开，本设备已退出通话。', 'This link was opened on another device; this device has left the call.'),
  media_failure: text('媒体服务发生故障并已自动恢复，请点击“重新连接”继续勘验。', 'The media service failed and has recovered; choose “Reconnect” to continue the inspection.'),
  server_shutdown: text('服务器正在维护，请稍后重新打开链接。', 'The server is under maintenance; please open the link again later.'),
  revoked: text('此链接已被撤销，通话已结束。', 'This link was revoked; the call has ended.'),
  link_replaced: text('审批人员已发送新的链接，此链接已失效，请使用新链接进入。', 'The inspector has sent a new link; this one no longer works. Please join with the new link.'),
  access_changed: text('您的权限或承办的案件已变更，请返回案件列表重新进入。', 'Your permissions or assigned cases have changed; go back to the case list and open the case again.'),
  logged_out: text('您已退出登录，或登录已失效（账号被停用、密码已重置），请重新登录。', 'You have logged out, or your login is no longer valid (account disabled or password reset); please log in again.'),
};
