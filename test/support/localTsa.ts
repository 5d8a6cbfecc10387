import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A running RFC 3161 authority on 127.0.0.1 made with the openssl CLI (`openssl ts -reply`). */
export interface LocalTsa {
  url: string;
  /** The throwaway CA that issued the TSA's certificate (what TSA_CA_FILE names). */
  caFile: string;
  caPem: string;
  /** Queries answered with a token so far. */
  readonly answered: number;
  /** While true, every query gets HTTP 503 (an authority that is down). */
  down: boolean;
  close(): Promise<void>;
}

/**
 * Makes a CA and a TSA certificate (extendedKeyUsage critical timeStamping, as `openssl ts -verify`
 * demands) in a temp folder, and serves each POSTed query with `openssl ts -reply`.
 */
export async function startLocalTsa(): Promise<LocalTsa> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'kanyan-local-tsa-'));
  const f = (name: string) => path.join(dir, name);
  let server: http.Server | undefined;
  try {
    await fs.promises.writeFile(f('tsa.cnf'), tsaConfig(dir));
    await fs.promises.writeFile(f('serial'), '01\n');
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    await run('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-subj', '/CN=Kanyan test TSA CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    await run('openssl', ['req', ...ec, '-keyout', f('tsa.key'), '-out', f('tsa.csr'), '-subj', '/CN=Kanyan test TSA']);
    await run('openssl', ['x509', '-req', '-in', f('tsa.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('tsa.pem'), '-days', '2', '-extfile', f('tsa.cnf'), '-extensions', 'tsa_cert']);

    let answered = 0;
    let queries = 0;
    const tsa: LocalTsa = {
      url: '',
      caFile: f('ca.pem'),
      caPem: await fs.promises.readFile(f('ca.pem'), 'utf8'),
      get answered() {
        return answered;
      },
      down: false,
      async close() {
        await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
        await fs.promises.rm(dir, { recursive: true, force: true });
      },
    };
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (tsa.down || req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
          res.writeHead(tsa.down ? 503 : 400).end();
          return;
        }
        const n = ++queries;
        const query = f(`q${n}.tsq`);
        const reply = f(`r${n}.tsr`);
        void (async () => {
          await fs.promises.writeFile(query, Buffer.concat(chunks));
          await run('openssl', ['ts', '-reply', '-queryfile', query, '-inkey', f('tsa.key'), '-signer', f('tsa.pem'), '-chain', f('ca.pem'), '-config', f('tsa.cnf'), '-section', 'tsa_config', '-out', reply]);
          const body = await fs.promises.readFile(reply);
          answered++;
          res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(body);
        })().catch((err: Error) => res.writeHead(500).end(err.message));
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    tsa.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;
    return tsa;
  } catch (err) {
    server?.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function tsaConfig(dir: string): string {
  return `
[ tsa_cert ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping

[ tsa_config ]
dir = ${dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
certs = $dir/ca.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5.6
digests = sha256, sha384, sha512
accuracy = secs:1
clock_precision_digits = 0
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;
}
