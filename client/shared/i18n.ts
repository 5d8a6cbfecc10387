// zh-CN first; English for visiting staff. Choose with ?lang=en (remembered) or the browser language.

const zh = {
  'app.title': '勘验',
  'why.title': '为完成远程视频勘验，需要使用：',
  'why.camera': '摄像头：拍摄经营场所，默认使用后置摄像头',
  'why.mic': '麦克风：与审批人员通话',
  'why.location': '位置：确认您在登记的经营地址',
  'state.connecting': '正在连接…',
  'state.live': '已连线，审批人员正在查看',
  'state.reconnecting': '网络不稳定，正在重新连接…',
  'state.ended': '勘验已结束',
  'state.waiting': '等待申请人进入',
  'state.absent': '申请人已离开',
  'perm.denied': '无法使用摄像头或麦克风。请在浏览器设置中允许本网站使用摄像头和麦克风，然后点“重试”。',
  'perm.noLocation': '未获得位置信息。请允许本网站使用位置，以便确认您在经营地址。',
  'btn.retry': '重试',
  'btn.reconnect': '重新连接',
  'btn.switchCamera': '切换摄像头',
  'btn.torchOn': '打开手电筒',
  'btn.torchOff': '关闭手电筒',
  'btn.zoomIn': '放大',
  'btn.zoomOut': '缩小',
  'btn.mute': '静音',
  'btn.unmute': '取消静音',
  'btn.rear': '请求后置摄像头',
  'btn.front': '请求前置摄像头',
  'btn.end': '结束勘验',
  'btn.login': '登录',
  'btn.logout': '退出登录',
  'btn.create': '创建案件并生成链接',
  'btn.open': '进入勘验',
  'btn.newLink': '重新生成链接',
  'btn.revoke': '撤销链接',
  'btn.back': '返回案件列表',
  'req.rear': '审批人员请求使用后置摄像头',
  'req.front': '审批人员请求使用前置摄像头',
  'req.torch_on': '审批人员请求打开手电筒',
  'req.torch_off': '审批人员请求关闭手电筒',
  'req.zoom': '审批人员调整了画面缩放',
  'req.unsupported': '您的手机不支持此功能',
  'login.title': '审批人员登录',
  'login.username': '用户名',
  'login.password': '密码',
  'cases.title': '勘验案件',
  'cases.new': '新建案件',
  'cases.empty': '暂无案件',
  'case.business': '经营者名称',
  'case.permits': '许可类型',
  'case.address': '登记地址',
  'case.lat': '纬度',
  'case.lon': '经度',
  'case.number': '案件编号',
  'case.status': '状态',
  'case.link': '申请人进入链接（短信或二维码发送）',
  'case.expires': '有效期至',
  'permit.food_business': '食品经营许可',
  'permit.public_hygiene': '公共场所卫生许可',
  'permit.pharmacy_retail': '药品零售许可',
  'permit.seed_business': '种子生产经营许可',
  'permit.fuel_retail': '成品油零售许可',
  'pos.title': '申请人位置',
  'pos.none': '尚未收到位置',
  'pos.distance': '距登记地址',
  'pos.accuracy': '精度',
  'pos.age': '定位时间',
  'pos.secondsAgo': '秒前',
  'stats.title': '连接质量',
  'stats.bitrate': '码率',
  'stats.loss': '丢包',
  'stats.rtt': '往返时延',
  'stats.resolution': '分辨率',
  'end.confirm': '确定结束本次勘验吗？结束后申请人的链接将失效。',
  'toast.copied': '已复制',
  'err.network': '网络错误，请重试',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  'app.title': 'Kanyan',
  'why.title': 'For this remote video inspection we need:',
  'why.camera': 'Camera: to show your premises (rear camera by default)',
  'why.mic': 'Microphone: to talk with the inspector',
  'why.location': 'Location: to confirm you are at the registered address',
  'state.connecting': 'Connecting…',
  'state.live': 'Connected: the inspector can see you',
  'state.reconnecting': 'Weak network, reconnecting…',
  'state.ended': 'Inspection ended',
  'state.waiting': 'Waiting for the applicant',
  'state.absent': 'The applicant has left',
  'perm.denied': 'Camera or microphone is blocked. Allow them for this site in the browser settings, then tap Retry.',
  'perm.noLocation': 'No location yet. Allow location so we can confirm the address.',
  'btn.retry': 'Retry',
  'btn.reconnect': 'Reconnect',
  'btn.switchCamera': 'Switch camera',
  'btn.torchOn': 'Torch on',
  'btn.torchOff': 'Torch off',
  'btn.zoomIn': 'Zoom in',
  'btn.zoomOut': 'Zoom out',
  'btn.mute': 'Mute',
  'btn.unmute': 'Unmute',
  'btn.rear': 'Ask for rear camera',
  'btn.front': 'Ask for front camera',
  'btn.end': 'End inspection',
  'btn.login': 'Log in',
  'btn.logout': 'Log out',
  'btn.create': 'Create case and link',
  'btn.open': 'Open inspection',
  'btn.newLink': 'New link',
  'btn.revoke': 'Revoke link',
  'btn.back': 'Back to cases',
  'req.rear': 'The inspector asks for the rear camera',
  'req.front': 'The inspector asks for the front camera',
  'req.torch_on': 'The inspector asks to turn the torch on',
  'req.torch_off': 'The inspector asks to turn the torch off',
  'req.zoom': 'The inspector changed the zoom',
  'req.unsupported': 'Your phone does not support this',
  'login.title': 'Inspector login',
  'login.username': 'Username',
  'login.password': 'Password',
  'cases.title': 'Inspection cases',
  'cases.new': 'New case',
  'cases.empty': 'No cases yet',
  'case.business': 'Business name',
  'case.permits': 'Permit types',
  'case.address': 'Registered address',
  'case.lat': 'Latitude',
  'case.lon': 'Longitude',
  'case.number': 'Case number',
  'case.status': 'Status',
  'case.link': 'Applicant join link (send by SMS or QR code)',
  'case.expires': 'Valid until',
  'permit.food_business': 'Food business',
  'permit.public_hygiene': 'Public-place hygiene',
  'permit.pharmacy_retail': 'Retail pharmacy',
  'permit.seed_business': 'Seed production and sale',
  'permit.fuel_retail': 'Petrol station retail',
  'pos.title': 'Applicant position',
  'pos.none': 'No position yet',
  'pos.distance': 'From registered address',
  'pos.accuracy': 'Accuracy',
  'pos.age': 'Fix age',
  'pos.secondsAgo': 's ago',
  'stats.title': 'Connection quality',
  'stats.bitrate': 'Bitrate',
  'stats.loss': 'Packet loss',
  'stats.rtt': 'Round trip',
  'stats.resolution': 'Resolution',
  'end.confirm': 'End this inspection? The applicant link will stop working.',
  'toast.copied': 'Copied',
  'err.network': 'Network error, please retry',
};

function pickLang(): 'zh-CN' | 'en' {
  const q = new URLSearchParams(location.search).get('lang');
  if (q === 'en' || q === 'zh-CN') {
    try {
      localStorage.setItem('kanyan.lang', q);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
    return q;
  }
  let saved: string | null = null;
  try {
    saved = localStorage.getItem('kanyan.lang');
  } catch {
    saved = null;
  }
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return 'zh-CN';
}

export const lang = pickLang();
const dict: Record<MessageKey, string> = lang === 'en' ? en : zh;

export function t(key: MessageKey): string {
  return dict[key];
}

export function permitLabel(permit: string): string {
  const key = `permit.${permit}` as MessageKey;
  return key in dict ? dict[key] : permit;
}
