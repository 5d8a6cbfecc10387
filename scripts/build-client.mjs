// Bundles the pages with esbuild into client/dist. Skips the work when nothing changed, so
// `npm start` and `npm test` stay quick on a second run.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'client/dist');
// The pages also bundle the pure geo rules (datum conversion, coordinate checks, distance verdicts).
const inputs = ['client', 'server/protocol', 'server/geo', 'package-lock.json'];

function digest() {
  const h = crypto.createHash('sha256');
  const walk = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      if (p === out) return;
      for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    } else {
      h.update(p).update(fs.readFileSync(p));
    }
  };
  for (const i of inputs) walk(path.join(root, i));
  return h.digest('hex');
}

const stamp = path.join(out, '.build-hash');
const hash = digest();
if (!process.argv.includes('--force') && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) process.exit(0);

// The pages run only in browsers, and the phone page's script is parsed on cheap phones before the
// call can start: leave out what mediasoup-client carries for other runtimes and for its own tests.
const mediasoupLib = path.join(root, 'node_modules/mediasoup-client/lib');
const mediasoupVersion = JSON.parse(fs.readFileSync(path.join(mediasoupLib, '../package.json'), 'utf8')).version;
const browserOnly = {
  name: 'browser-only',
  setup(build) {
    // The pages use only Device (and the SDP writer reads the version from the package's index); the
    // index also bundles the fake handler and test parameters. A module of its own (not an alias) makes
    // any other import from 'mediasoup-client' a build error instead of an undefined at run time.
    const index = () => ({ path: 'mediasoup-client', namespace: 'browser-only' });
    build.onResolve({ filter: /^mediasoup-client$/ }, index);
    build.onResolve({ filter: /^\.\.\/\.\.\/$/ }, (a) => (a.importer === path.join(mediasoupLib, 'handlers/sdp/RemoteSdp.js') ? index() : undefined));
    build.onLoad({ filter: /^mediasoup-client$/, namespace: 'browser-only' }, () => ({
      contents: `export { Device } from ${JSON.stringify(path.join(mediasoupLib, 'Device.js'))};\nexport const version = ${JSON.stringify(mediasoupVersion)};`,
      resolveDir: root,
    }));
    // Device picks this handler only when navigator.product is 'ReactNative'.
    build.onResolve({ filter: /\/handlers\/ReactNative106$/ }, (a) => (a.importer.startsWith(mediasoupLib) ? { path: 'react-native', namespace: 'browser-only' } : undefined));
    build.onLoad({ filter: /^react-native$/, namespace: 'browser-only' }, () => ({
      contents: `export class ReactNative106 { static createFactory() { throw new Error('React Native is not supported'); } }`,
    }));
    // The loggers of mediasoup-client and its helpers. The real 'debug' probes the browser for colour
    // support for each of its ~60 loggers at load (~80 ms on a cheap phone); this prints the same
    // (nothing unless localStorage.debug names the logger, e.g. 'mediasoup-client:*'), without colours.
    build.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'browser-only' }));
    build.onLoad({ filter: /^debug$/, namespace: 'browser-only' }, () => ({
      // CommonJS, as its users require it both as a function and as `.default`.
      contents: `let wanted = [];
try { wanted = (localStorage.getItem('debug') || '').split(/[\\s,]+/).filter(Boolean); } catch {}
const on = (ns) => wanted.some((w) => (w.endsWith('*') ? ns.startsWith(w.slice(0, -1)) : ns === w));
function debug(namespace) {
  const d = (format, ...args) => { if (d.enabled) d.log(namespace + ' ' + format, ...args); };
  d.namespace = namespace;
  d.enabled = on(namespace);
  d.log = console.debug.bind(console);
  d.extend = (sub) => debug(namespace + ':' + sub);
  return d;
}
module.exports = debug;
module.exports.default = debug;`,
    }));
  },
};

fs.mkdirSync(out, { recursive: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: { applicant: 'client/applicant/main.ts', 'applicant-early': 'client/applicant/early.ts', inspector: 'client/inspector/main.ts', admin: 'client/admin/main.ts' },
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  target: ['chrome80', 'safari14', 'firefox80'],
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  plugins: [browserOnly],
});
// One stylesheet for every page: the base, then each part's own file (client/shared/styles/*.css, in name order).
const partsDir = path.join(root, 'client/shared/styles');
const parts = fs.readdirSync(partsDir).filter((f) => f.endsWith('.css')).sort();
fs.writeFileSync(path.join(out, 'style.css'), [path.join(root, 'client/shared/style.css'), ...parts.map((f) => path.join(partsDir, f))].map((f) => fs.readFileSync(f, 'utf8')).join('\n'));
// Pre-compressed copies: the server sends these instead of gzipping the bundle on every page load.
for (const f of fs.readdirSync(out)) {
  if (!/\.(js|css)$/.test(f)) continue;
  fs.writeFileSync(path.join(out, `${f}.gz`), zlib.gzipSync(fs.readFileSync(path.join(out, f)), { level: 9 }));
}
fs.writeFileSync(stamp, hash);
console.log('[setup] client bundle built');
