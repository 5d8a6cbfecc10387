import type { ReceiptToVerify } from '../../server/protocol/receipts';

/** One signed upload receipt as the phone keeps it, with the point's title as shown when it arrived. */
export interface KeptReceipt {
  requestId: string;
  pointTitle: string;
  /** Exactly what the server signed and sent: what POST /api/receipts/verify takes back. */
  signed: ReceiptToVerify;
}

const PREFIX = 'kanyan-receipts:';

/**
 * The receipts of one case's uploads, kept in this browser (localStorage, per case number) so the
 * end screen, a reload, or a later inspection of the same case can still list and save them. A
 * retried upload's receipt replaces the one before for the same photo. Where storage is refused
 * (private mode, full), receipts live for this page only.
 */
export class ReceiptStore {
  private memory: KeptReceipt[] = [];

  constructor(private readonly caseNumber: string) {
    this.memory = this.read();
  }

  add(r: KeptReceipt): void {
    this.memory = [...this.read().filter((x) => x.requestId !== r.requestId), r];
    try {
      localStorage.setItem(this.key, JSON.stringify(this.memory));
    } catch {
      // Storage refused or full: the receipt stays listed on this page, and the end screen's file still holds it.
    }
  }

  /** Oldest first, as the photos arrived. */
  all(): KeptReceipt[] {
    return [...this.memory].sort((a, b) => a.signed.receipt.serverTime - b.signed.receipt.serverTime);
  }

  /** The file the applicant saves: every signed receipt as received, each checkable on its own. */
  fileText(): string {
    return JSON.stringify({ caseNumber: this.caseNumber, verifyAt: '/api/receipts/verify', receipts: this.all().map((r) => r.signed) }, null, 2);
  }

  private get key(): string {
    return PREFIX + this.caseNumber;
  }

  private read(): KeptReceipt[] {
    try {
      const raw = localStorage.getItem(this.key);
      const rows = raw ? (JSON.parse(raw) as unknown) : [];
      return Array.isArray(rows) ? (rows as KeptReceipt[]).filter((r) => typeof r?.signed?.number === 'string') : this.memory;
    } catch {
      return this.memory;
    }
  }
}
