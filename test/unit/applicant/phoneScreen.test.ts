import { initialFacts, locationProblem, screenOf, type PhoneFacts } from '../../../client/applicant/phoneScreen';

// What the shop owner's phone says, decided from facts only (client/applicant/phoneScreen.ts).

const facts = (patch: Partial<PhoneFacts>): PhoneFacts => ({ ...initialFacts(), ...patch });
const presence = (inspectors: number) => ({ applicant: 'live' as const, inspectors, observers: 0 });

describe('the phone screen', () => {
  it('waits for the start before anything else, unless the call already ended', () => {
    expect(screenOf(facts({}))).toBe('ready');
    expect(screenOf(facts({ end: 'revoked' }))).toBe('ended:revoked');
  });

  it('says waiting, live, closing or left from presence and the lifecycle', () => {
    const live = { started: true, connection: 'live' as const };
    expect(screenOf(facts({ ...live, presence: presence(0) }))).toBe('waiting_inspector');
    expect(screenOf(facts({ ...live, presence: presence(1) }))).toBe('live');
    expect(screenOf(facts({ ...live, presence: presence(1), sessionState: 'checklist_closed' }))).toBe('closing');
    expect(screenOf(facts({ ...live, presence: presence(0), inspectorSeen: true }))).toBe('inspector_left');
    expect(screenOf(facts({ started: true, connection: 'reconnecting' }))).toBe('reconnecting');
    expect(screenOf(facts({ started: true, cameraDenied: true }))).toBe('camera_denied');
  });

  it('reports a location problem only while the phone is in (or joining) the call', () => {
    expect(locationProblem(facts({ location: 'denied' }))).toBeNull();
    expect(locationProblem(facts({ started: true, location: 'denied' }))).toBe('denied');
    expect(locationProblem(facts({ started: true, location: 'unavailable' }))).toBe('unavailable');
    expect(locationProblem(facts({ started: true, location: 'waiting' }))).toBeNull();
    expect(locationProblem(facts({ started: true, location: 'denied', end: 'hung_up' }))).toBeNull();
  });
});
