import type { DatumSystem } from '../geo/datum';
import type { LatLon } from '../geo/distance';

export interface RegisteredAddress {
  text: string;
  /** WGS-84, the phone's system: every distance check uses these. */
  lat: number;
  lon: number;
  /** The system the office read the coordinates in (a Chinese map app's is not WGS-84). */
  system: DatumSystem;
  /** The coordinates as typed, in `system`, kept so a conversion can always be checked. */
  original: LatLon;
}

/** An address for a new case: lat/lon are WGS-84; without a source they were typed as WGS-84. */
export type RegisteredAddressInput = Pick<RegisteredAddress, 'text' | 'lat' | 'lon'> & Partial<Pick<RegisteredAddress, 'system' | 'original'>>;

export interface CaseRecord {
  id: string;
  /** Human-facing number printed on evidence, e.g. KY-20261123-0001. */
  caseNumber: string;
  businessName: string;
  permitTypes: string[];
  address: RegisteredAddress;
  createdAt: number;
  createdBy: string;
}
