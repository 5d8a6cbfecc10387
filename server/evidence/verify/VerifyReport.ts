export interface VerifyReport {
  records: number;
  /** What fails verification, each naming the record or the file and the reason. */
  problems: string[];
  /** What holds but a reader should know (the case still open when exported, the proofs' checkpoint). */
  notes: string[];
  /** Key id → number of records whose signature it verified. */
  signedBy: Map<string, number>;
}
