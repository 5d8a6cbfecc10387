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
