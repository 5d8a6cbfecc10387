import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { Invalid, NotFound } from '../platform/errors';
import { text } from '../platform/Text';

const TYPES: Record<string, string> = { '.js': 'application/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * The bundle folder is flat: an asset name is one plain file name. Anything else (an encoded
 * slash, `..`, a NUL, bad percent-encoding) is answered here, so no path outside reaches the disk.
 */
function assetName(urlPath: string): string {
  let name: string;
  try {
    name = decodeURIComponent(urlPath.replace(/^\//, ''));
  } catch {
    throw new Invalid(text('请求地址编码无效', 'Malformed URL encoding'), `bad percent-encoding in asset path`);
  }
  if (!name || name.includes('/') || name.includes('\\') || name.includes('\0') || name.startsWith('.')) {
    throw new NotFound(text('文件不存在', 'File not found'), 'asset path outside the bundle folder');
  }
  return name;
}

/**
 * Serves the gzip copies the client build wrote next to each bundle, so a phone on a weak link
 * gets the small file without the server compressing 280 KB on every page load.
 */
export function precompressedAssets(dir: string): RequestHandler {
  return (req, res, next) => {
    let name: string;
    try {
      name = assetName(req.path);
    } catch (err) {
      return next(err);
    }
    const type = TYPES[path.extname(name)];
    if (!type || !req.acceptsEncodings('gzip')) return next();
    const file = path.join(dir, `${name}.gz`);
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
