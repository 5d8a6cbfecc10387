import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';

const TYPES: Record<string, string> = { '.js': 'application/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * Serves the gzip copies the client build wrote next to each bundle, so a phone on a weak link
 * gets the small file without the server compressing 280 KB on every page load.
 */
export function precompressedAssets(dir: string): RequestHandler {
  return (req, res, next) => {
    const ext = path.extname(req.path);
    const type = TYPES[ext];
    if (!type || !req.acceptsEncodings('gzip') || req.path.includes('..')) return next();
    const file = path.join(dir, `${path.basename(req.path)}.gz`);
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) return next();
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Encoding', 'gzip');
      res.setHeader('Content-Length', String(st.size));
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Cache-Control', 'public, max-age=3600');
      fs.createReadStream(file).on('error', next).pipe(res);
    });
  };
}
