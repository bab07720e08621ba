import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The throwaway PKI of one control plane; all paths are PEM files inside the state directory. */
export interface ControlPlanePki {
  /** Signs the serving certificate and every client certificate; the API server trusts it. */
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  /** Client certificate of the admin user (group system:masters: RBAC lets it do anything). */
  adminCert: string;
  adminKey: string;
  /** Key pair the API server signs and verifies service-account tokens with. */
  serviceAccountPublicKey: string;
  serviceAccountPrivateKey: string;
}

/** Certificates only live as long as a test run or a dev session; a week is plenty. */
const VALIDITY_DAYS = '7';

/**
 * Creates the CA, the API server's serving certificate (for 127.0.0.1 and localhost), the admin
 * client certificate and the service-account key pair under `dir`. Node's crypto cannot issue X.509
 * certificates, so this shells out to `openssl` (3.0+).
 */
export function createControlPlanePki(dir: string): ControlPlanePki {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => join(dir, name);
  const pki: ControlPlanePki = {
    caCert: file('ca.crt'),
    caKey: file('ca.key'),
    servingCert: file('apiserver.crt'),
    servingKey: file('apiserver.key'),
    adminCert: file('admin.crt'),
    adminKey: file('admin.key'),
    serviceAccountPublicKey: file('service-account.pub'),
    serviceAccountPrivateKey: file('service-account.key'),
  };

  openssl([
    'req', '-x509', ...NEW_EC_KEY, '-keyout', pki.caKey, '-out', pki.caCert, '-days', VALIDITY_DAYS,
    '-subj', '/CN=cdk8s-databricks local control plane CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  issueCertificate(pki, {
    cert: pki.servingCert,
    key: pki.servingKey,
    subject: '/CN=kube-apiserver',
    extensions: ['extendedKeyUsage=serverAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
  });
  issueClientCertificate(pki, {
    cert: pki.adminCert,
    key: pki.adminKey,
    user: 'admin',
    groups: ['system:masters'],
  });

  const serviceAccountKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(
    pki.serviceAccountPrivateKey,
    serviceAccountKeys.privateKey.export({ type: 'pkcs8', format: 'pem' }),
    {
      mode: 0o600,
    },
  );
  writeFileSync(
    pki.serviceAccountPublicKey,
    serviceAccountKeys.publicKey.export({ type: 'spki', format: 'pem' }),
  );
  return pki;
}

/**
 * Issues a client certificate signed by the control plane's CA. Kubernetes takes the user name from
 * the certificate's CN and the groups from its O entries.
 */
export function issueClientCertificate(
  pki: Pick<ControlPlanePki, 'caCert' | 'caKey'>,
  client: { cert: string; key: string; user: string; groups: string[] },
): void {
  const subject = `${client.groups.map((group) => `/O=${escapeSubject(group)}`).join('')}/CN=${escapeSubject(client.user)}`;
  issueCertificate(pki, {
    cert: client.cert,
    key: client.key,
    subject,
    extensions: ['extendedKeyUsage=clientAuth'],
  });
}

const NEW_EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function issueCertificate(
  pki: Pick<ControlPlanePki, 'caCert' | 'caKey'>,
  request: { cert: string; key: string; subject: string; extensions: string[] },
): void {
  openssl([
    'req', '-x509', ...NEW_EC_KEY, '-keyout', request.key, '-out', request.cert, '-days', VALIDITY_DAYS,
    '-CA', pki.caCert, '-CAkey', pki.caKey, '-subj', request.subject,
    '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature',
    ...request.extensions.flatMap((extension) => ['-addext', extension]),
  ]); // prettier-ignore
}

function escapeSubject(value: string): string {
  return value.replace(/[/\\+,=]/g, (character) => `\\${character}`);
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(
      `openssl ${args.slice(0, 2).join(' ')} failed while creating control-plane certificates: ${stderr}`,
    );
  }
}
