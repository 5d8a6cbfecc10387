// A viewer as the SFU sees one: an SRTP PlainTransport with a consumer per producer, sending to a
// sink that counts packets without decrypting (the worker's cost is the same either way).
import crypto from 'node:crypto';
import type { types } from 'mediasoup';

// Master key + salt lengths per suite (RFC 3711 / RFC 7714).
const KEY_BYTES: Record<types.SrtpCryptoSuite, number> = {
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
  AEAD_AES_128_GCM: 28,
  AEAD_AES_256_GCM: 44,
};

/** The suite named in the environment, or a message naming the ones there are. */
export function srtpSuite(value: string | undefined, fallback: types.SrtpCryptoSuite): types.SrtpCryptoSuite {
  if (value === undefined || value === '') return fallback;
  if (value in KEY_BYTES) return value as types.SrtpCryptoSuite;
  throw new Error(`SRTP_SUITE=${value} is not an SRTP suite mediasoup knows; use one of ${Object.keys(KEY_BYTES).join(', ')}`);
}

export interface Viewer {
  transport: types.PlainTransport;
  consumers: types.Consumer[];
}

export async function openViewer(router: types.Router, producers: types.Producer[], sinkPort: number, suite: types.SrtpCryptoSuite): Promise<Viewer> {
  const t = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false, enableSrtp: true, srtpCryptoSuite: suite });
  try {
    // The keys the viewer would send with; nothing is sent back here.
    await t.connect({ ip: '127.0.0.1', port: sinkPort, srtpParameters: { cryptoSuite: suite, keyBase64: crypto.randomBytes(KEY_BYTES[suite]).toString('base64') } });
    const consumers: types.Consumer[] = [];
    for (const p of producers) consumers.push(await t.consume({ producerId: p.id, rtpCapabilities: router.rtpCapabilities }));
    return { transport: t, consumers };
  } catch (err) {
    t.close();
    throw err;
  }
}
