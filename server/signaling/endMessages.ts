import type { EndReason } from '../protocol/signaling';

// Shown on both pages as the reason the call ended (zh-CN; the pages translate by reason code).
export const END_MESSAGES: Record<EndReason, string> = {
  finished: '本次视频勘验已结束，感谢您的配合。',
  interrupted: '审批人员已暂停本次勘验，稍后会与您联系继续。',
  replaced: '此链接已在另一台设备上打开，本设备已退出通话。',
  media_failure: '媒体服务发生故障并已自动恢复，请点击“重新连接”继续勘验。',
  server_shutdown: '服务器正在维护，请稍后重新打开链接。',
  revoked: '此链接已被撤销，通话已结束。',
  link_replaced: '审批人员已发送新的链接，此链接已失效，请使用新链接进入。',
  access_changed: '您的权限或承办的案件已变更，请返回案件列表重新进入。',
  logged_out: '您已退出登录，或登录已失效（账号被停用、密码已重置），请重新登录。',
};
