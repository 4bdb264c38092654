import { createCipheriv, createDecipheriv, hkdfSync, KeyObject, randomBytes } from 'node:crypto';

/** What a ping needs and CIBA stores only sealed: the auth_req_id it names and the client's bearer token. */
export interface PingSecrets {
  authReqId: string;
  notificationToken: string;
}

/**
 * AES-256-GCM under a key derived from the receipt signing key (RECEIPT_SIGNING_KEY in production,
 * which never sits in Redis): a copy of Redis shows neither the auth_req_id nor the bearer token.
 */
export function sealPing(receiptKey: KeyObject, secrets: PingSecrets): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(receiptKey), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(secrets), 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The sealed secrets, or undefined when sealed under another key (the receipt key was replaced since). */
export function unsealPing(receiptKey: KeyObject, sealed: string): PingSecrets | undefined {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !body || !tag) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(receiptKey), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(text) as PingSecrets;
  } catch {
    return undefined;
  }
}

function sealingKey(receiptKey: KeyObject): Buffer {
  const material = receiptKey.export({ type: 'pkcs8', format: 'der' });
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'stepup-orchestrator ciba ping v1', 32));
}
