import type { types } from 'mediasoup';

/** One stream ffmpeg is to receive: the consumer's negotiated codec and the local port it sends to. */
export interface SdpStream {
  kind: types.MediaKind;
  port: number;
  codec: types.RtpCodecParameters;
}

/**
 * The SDP that tells ffmpeg what arrives on which port. RTCP goes to port + 1 (no rtcp-mux):
 * ffmpeg aligns audio and video from the sender reports it receives there.
 */
export function recorderSdp(streams: readonly SdpStream[]): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=kanyan recording', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const { kind, port, codec } of streams) {
    const pt = codec.payloadType;
    const name = codec.mimeType.split('/')[1];
    lines.push(`m=${kind} ${port} RTP/AVP ${pt}`);
    lines.push(`a=rtpmap:${pt} ${name}/${codec.clockRate}${codec.channels && codec.channels > 1 ? `/${codec.channels}` : ''}`);
    const fmtp = Object.entries(codec.parameters ?? {})
      .filter(([k]) => !k.startsWith('x-google'))
      .map(([k, v]) => `${k}=${v}`)
      .join(';');
    if (fmtp) lines.push(`a=fmtp:${pt} ${fmtp}`);
    lines.push('a=recvonly');
  }
  return `${lines.join('\r\n')}\r\n`;
}
