import { distanceMetres } from '../../geo/distance';
import { distanceVerdict } from '../../geo/distanceVerdict';
import type { ReadRecord } from './checkRecords';

/**
 * Recomputes every distance verdict from the inputs its record signs: the phone's fix and accuracy
 * (`claimed`), the registered position (`checked.registered`, WGS-84) and the point's limit.
 * Haversine on a sphere of radius 6,371,008.8 m, rounded to 0.1 m; pass when distance + accuracy
 * ≤ limit, fail when distance − accuracy > limit, uncertain otherwise or when the fix was stale.
 */
export function checkDistances(records: readonly ReadRecord[], problems: string[]): void {
  for (const { entry } of records) {
    const r = entry.record;
    const c = r.checked as { distanceM?: number; limitM?: number; distance?: string; fixStale?: boolean; registered?: { lat: number; lon: number } };
    const claimed = r.claimed as { lat?: number; lon?: number; accuracyM?: number };
    if (!c.registered || typeof claimed.lat !== 'number' || typeof claimed.lon !== 'number') continue;
    const label = `record ${r.seq} (${r.kind})`;
    const d = Math.round(distanceMetres({ lat: claimed.lat, lon: claimed.lon }, c.registered) * 10) / 10;
    if (c.distanceM !== d) problems.push(`${label}: distance ${c.distanceM} m does not follow from its inputs (${d} m)`);
    if (c.limitM !== undefined && c.distance !== undefined) {
      const verdict = c.fixStale ? 'uncertain' : distanceVerdict(d, claimed.accuracyM ?? 0, c.limitM);
      if (verdict !== c.distance) problems.push(`${label}: distance verdict "${c.distance}" does not follow from its inputs ("${verdict}")`);
    }
  }
}
