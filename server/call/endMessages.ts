import type { EndReason } from '../protocol/signaling';

// Shown on both pages as the reason the call ended (zh-CN; the pages translate by reason code).
export const END_MESSAGES: Record<EndReason, string> = {
  finished: '本次视频勘验已结束，感谢您的配合。',
  replaced: '此链接已在另一台设备上打开，本设备已退出通话。',
  media_failure: '媒体服务发生故障并已自动恢复，请点击“重新连接”继续勘验。',
  server_shutdown: '服务器正在维护，请稍后重新打开链接。',
  revoked: '此链接已被撤销，通话已结束。',
};
