import { ConfigError, loadConfig } from '../../server/platform/config';

describe('loadConfig', () => {
  it('has safe defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8443);
    expect(c.tls.mode).toBe('auto');
    expect(c.rtc.basePort).toBe(40000);
    expect(c.joinLinkTtlMs).toBe(24 * 3600_000);
    expect(c.reconnectGraceMs).toBe(30_000);
    expect(c.redisUrl).toBeUndefined();
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(ConfigError);
  });

  it('refuses plain HTTP on a public interface', () => {
    expect(() => loadConfig({ TLS: 'off', HOST: '0.0.0.0' })).toThrow(/loopback/);
    expect(loadConfig({ TLS: 'off', HOST: '127.0.0.1' }).tls.mode).toBe('off');
  });

  it('needs certificate and key together', () => {
    expect(() => loadConfig({ TLS_CERT: '/x.crt' })).toThrow(/together/);
  });
});
