import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Seals one secret value for storage (AES-256-GCM) into a string that says how to open it:
 *
 *   enc:v1:<key id>:<base64url of iv (12 bytes) | auth tag (16 bytes) | ciphertext>
 *
 * The key id (8 hex digits of a hash of the key, never the key) names the key a value needs, so a
 * server started with another key says which one is missing instead of reading garbage. The header
 * is authenticated too (AAD): a value cannot be relabelled to another key or version.
 */

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^enc:v1:([0-9a-f]{8}):([A-Za-z0-9_-]+)$/;

/** A sealed value that cannot be opened: sealed with a key this server lacks, or altered. */
export class SealedValueError extends Error {
  constructor(
    message: string,
    /** The key the value was sealed with. */
    readonly keyId: string,
  ) {
    super(message);
    this.name = 'SealedValueError';
  }
}

/** The id a key is known by in sealed values and messages. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('conflux secret key id\0').update(key).digest('hex').slice(0, 8);
}

/** Whether a value is in the sealed form (checked by shape: opening it is what proves it). */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && SEALED.test(value);
}

/** The key id a sealed value needs, undefined for anything else. */
export function sealedKeyId(value: unknown): string | undefined {
  return typeof value === 'string' ? SEALED.exec(value)?.[1] : undefined;
}

export const newKey = (): Buffer => randomBytes(KEY_BYTES);

/**
 * A key ring: the first key seals, every key opens. More than one key only while a rotation is
 * under way (scripts/rotate-key.ts), so a crash between the steps leaves every value openable.
 */
export class SecretBox {
  private readonly keys: ReadonlyMap<string, Buffer>;
  /** The id of the key new values are sealed with. */
  readonly keyId: string;

  constructor(
    keys: readonly Buffer[],
    /** Where the keys came from, for messages ("CONFLUX_SECRET_KEY", a key file's path). */
    readonly source: string,
  ) {
    if (keys.length === 0) throw new Error('a secret box needs a key');
    for (const key of keys) if (key.length !== KEY_BYTES) throw new Error(`a secret key is ${KEY_BYTES} bytes, not ${key.length}`);
    this.keys = new Map(keys.map((key) => [keyIdOf(key), key]));
    this.keyId = keyIdOf(keys[0]);
  }

  /** Every key id this box can open, the sealing one first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  seal(clear: string): string {
    const header = `enc:v1:${this.keyId}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.keyId)!, iv);
    cipher.setAAD(Buffer.from(header));
    const ciphertext = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return `${header}:${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
  }

  open(sealed: string): string {
    const match = SEALED.exec(sealed);
    if (!match) throw new Error('not a sealed value');
    const [, keyId, body] = match;
    const key = this.keys.get(keyId);
    if (!key) {
      throw new SealedValueError(
        `it was sealed with key ${keyId}, but this server has key${this.keys.size > 1 ? 's' : ''} ${this.keyIds.join(', ')} (from ${this.source}): ` +
          `start Conflux with the key it was sealed with`,
        keyId,
      );
    }
    const bytes = Buffer.from(body, 'base64url');
    const damaged = () => new SealedValueError(`it fails its integrity check under key ${keyId}: it was altered or damaged in the flow store`, keyId);
    if (bytes.length < IV_BYTES + TAG_BYTES) throw damaged();
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(`enc:v1:${keyId}`));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw damaged();
    }
  }

  /** Whether this value is sealed with the key new values get (a rotation re-seals the others). */
  sealsWithCurrentKey(sealed: string): boolean {
    return sealedKeyId(sealed) === this.keyId;
  }
}
