import type { NextFunction, Request, Response } from 'express';
import { TooMany } from '../platform/errors';
import { text } from '../platform/Text';

/**
 * At most a few uploads in flight per join link: a phone sends its photos one after another, so
 * more than that at once is a script hammering the decoder with a leaked link. The refusal is a
 * 429 the phone retries later; the photo is kept.
 */
export class UploadSlots {
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly perKey = 2) {}

  /** Takes a slot for the key (released when the response ends, however it ends), or refuses. */
  take(key: string, req: Request, res: Response, next: NextFunction): void {
    const n = this.inFlight.get(key) ?? 0;
    if (n >= this.perKey) {
      req.resume();
      next(new TooMany(text('上一张照片还在上传，请稍候再试', 'The previous photo is still uploading; please wait and try again'), `upload slots full for link`, 'upload_busy'));
      return;
    }
    this.inFlight.set(key, n + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.inFlight.delete(key);
      else this.inFlight.set(key, left);
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  }

  get busyKeys(): number {
    return this.inFlight.size;
  }
}
