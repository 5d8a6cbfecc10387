// The phones the join-network benchmark emulates: the network between phone and server (none: the
// phone reaches the server directly, as on the office LAN) and how much slower its CPU is.
import type { NetworkProfile } from './NetworkLink';

export interface PhoneProfile {
  name: string;
  network?: NetworkProfile;
  /** Chromium's CPU throttling rate for the phone page (1: this machine's speed). */
  cpuSlowdown: number;
}

const FOUR_G: NetworkProfile = { name: '4g', rttMs: 60, upKbps: 8_000, downKbps: 30_000, lossPct: 0, queueMs: 150 };
const POOR_3G: NetworkProfile = { name: '3g', rttMs: 300, upKbps: 750, downKbps: 2_000, lossPct: 1, queueMs: 200 };
/** A cheap Android phone, by DevTools' own yardstick for "low-end mobile". */
const LOW_END_CPU = 4;

export const PHONE_PROFILES: Record<string, PhoneProfile> = {
  loopback: { name: 'loopback', cpuSlowdown: 1 },
  '4g': { name: '4g', network: FOUR_G, cpuSlowdown: 1 },
  '3g': { name: '3g', network: POOR_3G, cpuSlowdown: 1 },
  lowend: { name: 'lowend', cpuSlowdown: LOW_END_CPU },
  lowend4g: { name: 'lowend4g', network: FOUR_G, cpuSlowdown: LOW_END_CPU },
};
