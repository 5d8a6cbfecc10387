// npm run rotate-key   (with the server stopped; a running server rotates from the admin page instead)
// Retires the evidence signing keys (Ed25519, and SM2 when EVIDENCE_SIGNATURE uses it): each private
// half is destroyed, each public half stays published so every record it signed still verifies, and
// new keys sign from the next start on. The rotation statements, signed by the old and the new key,
// wait in keys/rotations/pending/ and go into the office log when the server next starts.
import { EvidenceSigner } from '../server/evidence/EvidenceSigner';
import { EvidenceKeyError } from '../server/evidence/keys/privateKeyFiles';
import { loadConfig } from '../server/platform/config';

const config = loadConfig(process.env);
try {
  const { retired, active, statements } = EvidenceSigner.rotate(config.dataDir, Date.now(), { mode: config.evidenceKeys.signature, passphrase: config.evidenceKeys.passphrase });
  const sm2 = statements.find((s) => s.statement.alg === 'SM2')?.statement;
  process.stdout.write(`retired evidence key ${retired}; new key ${active}.${sm2 ? ` SM2: retired ${sm2.retiredKeyId}; new ${sm2.newKeyId}.` : ''} Restart the server so it signs with the new key.\n`);
} catch (err) {
  if (!(err instanceof EvidenceKeyError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
