import { fill } from '../../shared/staff';

/** A distance as an inspector reads it: 48 m, 650 m, 3.5 km, 12 km. */
export function formatDistance(m: number): string {
  if (m < 1000) return `${Math.round(m)} m`;
  const km = m / 1000;
  return `${km < 10 ? km.toFixed(1) : Math.round(km)} km`;
}

/** How long ago, in whole seconds under two minutes and whole minutes after. */
export function formatAge(seconds: number): string {
  return seconds < 120 ? fill('call.age.seconds', { n: Math.max(0, Math.round(seconds)) }) : fill('call.age.minutes', { n: Math.round(seconds / 60) });
}
