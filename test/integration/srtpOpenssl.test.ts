// The mediasoup worker carries libsrtp built with its OpenSSL backend (scripts/libsrtp-openssl.sh),
// not Debian's libsrtp2-1, which is built with NSS and protects about half as many packets per core.
// Checks the binary the server really spawns (mediasoup's workerBin, which MEDIASOUP_WORKER_BIN overrides).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { workerBin } from 'mediasoup';

const wrapFile = path.join(path.dirname(require.resolve('mediasoup/package.json')), 'worker', 'subprojects', 'libsrtp2.wrap');
const provenanceFile = path.join(path.dirname(workerBin), 'libsrtp-PROVENANCE');

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** "key: value" lines, as libsrtp-openssl.sh writes them. */
function fields(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(': ');
    if (at > 0) m.set(line.slice(0, at), line.slice(at + 2));
  }
  return m;
}

function wrapValue(key: string): string {
  const line = fs.readFileSync(wrapFile, 'utf8').split('\n').find((l) => l.startsWith(`${key} =`));
  if (!line) throw new Error(`${wrapFile} has no ${key}`);
  return line.slice(line.indexOf('=') + 1).trim();
}

describe('the mediasoup worker protects SRTP with libsrtp on OpenSSL', () => {
  it('does not load a shared libsrtp2 (the system one is built with NSS)', () => {
    const libs = run('ldd', [workerBin]);
    expect(libs).toMatch(/libcrypto\.so/);
    expect(libs).not.toMatch(/libsrtp2\.so/);
    expect(libs).not.toMatch(/libnss3\.so/);
  });

  it("imports the AES-CTR and AES-GCM entry points that only libsrtp's OpenSSL backend calls", () => {
    // aes_icm_ossl.c and aes_gcm_ossl.c; mediasoup's own code (src/, deps/libwebrtc) calls none of them,
    // so a worker linked against the NSS libsrtp imports none (it imports OpenSSL only for DTLS and HMAC).
    const imported = new Set(
      run('nm', ['-D', '--undefined-only', workerBin])
        .split('\n')
        .map((l) => l.trim().split(/\s+/).pop()?.replace(/@.*$/, ''))
        .filter((s): s is string => !!s),
    );
    for (const fn of ['EVP_aes_128_ctr', 'EVP_aes_256_ctr', 'EVP_aes_128_gcm', 'EVP_aes_256_gcm']) {
      expect({ fn, imported: imported.has(fn) }).toEqual({ fn, imported: true });
    }
  });

  it("contains libsrtp's descriptions of its OpenSSL ciphers", () => {
    const binary = fs.readFileSync(workerBin);
    for (const description of ['AES-128 counter mode using openssl', 'AES-256 counter mode using openssl', 'AES-128 GCM using openssl', 'AES-256 GCM using openssl']) {
      expect({ description, found: binary.includes(description) }).toEqual({ description, found: true });
    }
    expect(binary.includes('GCM using NSS')).toBe(false);
  });

  it('has a PROVENANCE next to it naming Debian libsrtp2 2.5.0 and the upstream archive mediasoup pins', () => {
    expect(fs.existsSync(provenanceFile)).toBe(true);
    const p = fields(fs.readFileSync(provenanceFile, 'utf8'));
    const version = wrapValue('directory').replace(/^libsrtp-/, '');
    expect(version).toBe('2.5.0');
    expect(p.get('source_package')).toBe('libsrtp2');
    expect(p.get('debian_version')).toMatch(/^2\.5\.0-\d/);
    expect(p.get('orig_tarball')).toBe('libsrtp2_2.5.0.orig.tar.gz');
    // Debian's orig tarball is the upstream tag archive: the hash apt verified is the one mediasoup's wrap pins.
    expect(p.get('orig_sha256')).toBe(wrapValue('source_hash'));
    expect(p.get('dsc_sha256')).toMatch(/^[0-9a-f]{64}$/);
    expect(p.get('configure_flags')).toContain('--enable-openssl');
    expect(p.get('cflags')).toContain('-fPIC');
    expect(p.get('archive')).toMatch(/^https?:\/\/\S+ \S+/);
    expect(p.get('library_sha256')).toMatch(/^[0-9a-f]{64}$/);
    expect(Number.isNaN(Date.parse(p.get('built') ?? ''))).toBe(false);
  });
});
