export interface RegisteredAddress {
  text: string;
  lat: number;
  lon: number;
}

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
