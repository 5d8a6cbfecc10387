// npm run rotate-key   (with the server stopped)
// Retires the evidence signing key: its private half is destroyed, its public half stays published so
// every record it signed still verifies, and a new key signs from the next start on.
import { EvidenceSigner } from '../server/evidence/EvidenceSigner';
import { loadConfig } from '../server/platform/config';

const { retired, active } = EvidenceSigner.rotate(loadConfig(process.env).dataDir);
process.stdout.write(`retired evidence key ${retired}; new key ${active}. Restart the server so it signs with the new key.\n`);
