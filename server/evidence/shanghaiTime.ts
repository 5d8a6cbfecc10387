/** ISO 8601 in Asia/Shanghai (UTC+8, no daylight saving), e.g. 2026-11-23T15:04:05.123+08:00. */
export function shanghaiTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00');
}
