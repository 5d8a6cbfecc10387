/** One sprite tile's geometry, as the replay page's WebVTT thumbnails track needs it. */
export interface SpriteLayout {
  /** A tile every this many ms of the segment, the first at 0. */
  intervalMs: number;
  width: number;
  height: number;
  columns: number;
  rows: number;
  count: number;
}

export const TILE = { intervalMs: 5000, width: 160, height: 90, maxColumns: 10 } as const;

export function spriteLayout(durationMs: number, tile: { intervalMs: number; width: number; height: number; maxColumns: number } = TILE): SpriteLayout {
  const count = Math.max(1, Math.ceil(durationMs / tile.intervalMs));
  const columns = Math.min(tile.maxColumns, count);
  return { intervalMs: tile.intervalMs, width: tile.width, height: tile.height, columns, rows: Math.ceil(count / columns), count };
}

const ROTATE: Record<number, string> = { 90: 'transpose=1,', 180: 'hflip,vflip,', 270: 'transpose=2,' };

/**
 * ffmpeg arguments for the sprite: only key frames are decoded (the recorder asks the phone for
 * one every few seconds, so a tile is at most that stale and an hour costs seconds, not minutes),
 * each scaled into its tile with bars, upright when the phone said it was turned. Tile n is the key
 * frame nearest n × interval (the previous one repeated across a stretch without key frames), so
 * tile n always stands for that moment, as the thumbnails track assumes.
 */
export function spriteArgs(input: string, layout: SpriteLayout, rotation: number, out: string): string[] {
  const { width: w, height: h } = layout;
  // tpad holds the last frame one interval longer: without it the fps filter drops the final tile.
  const filter =
    `${ROTATE[rotation] ?? ''}tpad=stop_mode=clone:stop_duration=${layout.intervalMs / 1000},fps=1000/${layout.intervalMs},` +
    `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,` +
    `tile=${layout.columns}x${layout.rows}`;
  return ['-skip_frame', 'nokey', '-i', input, '-map', '0:v:0', '-vf', filter, '-frames:v', '1', '-q:v', '5', '-f', 'image2', '-update', '1', '-y', out];
}
