// A throw-away certificate authority and a server certificate it signed for localhost and
// 127.0.0.1, made with the openssl command (as an operator would), for the TLS tests; and a
// second authority that signed nothing, for a client that must refuse the server.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function authority(dir, name) {
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`], dir);
}

export function makeCertificates() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-tls-'));
  authority(dir, 'test-ca');
  authority(dir, 'other-ca');
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  fs.writeFileSync(path.join(dir, 'server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'test-ca.pem', '-CAkey', 'test-ca.key',
    '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'], dir);
  const file = (name) => path.join(dir, name);
  return {
    ca: file('test-ca.pem'),
    otherCa: file('other-ca.pem'),
    certificate: file('server.pem'),
    key: file('server.key'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
