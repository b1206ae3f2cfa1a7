/**
 * A throwaway CA and a serving certificate for the local API server, made with
 * `openssl` at start: @kubernetes/client-node 1.x refuses plain http unless
 * skipTLSVerify is set, and a real kubeconfig carries `certificate-authority-data`.
 */
import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

export interface SimCerts {
	dir: string;
	caPem: string;
	certPem: string;
	keyPem: string;
}

export function makeCerts(dir: string = mkdtempSync(path.join(tmpdir(), 'infertop-sim-'))): SimCerts {
	const p = (n: string) => path.join(dir, n);
	const ssl = (...args: string[]) => execFileSync('openssl', args, {stdio: ['ignore', 'ignore', 'pipe']});
	// SAN is what Node checks; CN alone is ignored by modern TLS clients.
	writeFileSync(p('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
	ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('ca.key'), '-out', p('ca.crt'), '-days', '2', '-subj', '/CN=infertop-sim-ca');
	ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=127.0.0.1');
	ssl('x509', '-req', '-in', p('server.csr'), '-CA', p('ca.crt'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('server.crt'), '-days', '2', '-extfile', p('ext.cnf'));
	return {dir, caPem: readFileSync(p('ca.crt'), 'utf8'), certPem: readFileSync(p('server.crt'), 'utf8'), keyPem: readFileSync(p('server.key'), 'utf8')};
}
