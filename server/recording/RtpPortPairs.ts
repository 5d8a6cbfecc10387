import dgram from 'node:dgram';

/**
 * Finds a free pair of UDP ports (even RTP port, RTCP on the next one: what ffmpeg's SDP input
 * expects) on the recorder's loopback address. Another process may still take them before ffmpeg
 * binds; the recorder then dies at once and is restarted on a new pair.
 */
export async function freeRtpPortPair(ip = '127.0.0.1', attempts = 50): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const rtp = 20000 + 2 * Math.floor(Math.random() * 14000);
    if ((await canBind(ip, rtp)) && (await canBind(ip, rtp + 1))) return rtp;
  }
  throw new Error(`no free UDP port pair on ${ip} after ${attempts} attempts`);
}

function canBind(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, ip, () => socket.close(() => resolve(true)));
  });
}

/** Whether some process on this machine has bound the UDP port (ffmpeg is listening once it has). */
export async function udpPortBound(port: number): Promise<boolean> {
  const fs = await import('node:fs/promises');
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await fs.readFile(table, 'utf8').catch(() => '');
    // Columns: "sl: local_address rem_address ..."; sl is right-aligned, so trim before splitting.
    if (text.split('\n').some((line) => line.trim().split(/\s+/)[1]?.endsWith(hex))) return true;
  }
  return false;
}
