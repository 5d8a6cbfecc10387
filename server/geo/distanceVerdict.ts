export type DistanceVerdict = 'pass' | 'fail' | 'uncertain';

/**
 * Whether a position is within `limitM` of the registered address, given the fix's accuracy:
 * pass when the whole accuracy circle is inside, fail when it is wholly outside, uncertain when
 * the circle crosses the limit (the inspector may ask for another photo).
 */
export function distanceVerdict(distanceM: number, accuracyM: number, limitM: number): DistanceVerdict {
  if (distanceM + accuracyM <= limitM) return 'pass';
  if (distanceM - accuracyM > limitM) return 'fail';
  return 'uncertain';
}
