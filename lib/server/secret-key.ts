import fs from 'node:fs';
import path from 'node:path';
import { KEY_BYTES, SecretBox, newKey } from './secret-box';

/**
 * Where the key that seals stored secrets comes from: CONFLUX_SECRET_KEY (base64 of 32 bytes), or
 * else a key file (CONFLUX_SECRET_KEY_FILE, default ./data/secret.key) created on first start with
 * mode 0600. Never the flow store: a copy of the database alone must not open its secrets.
 *
 * A key file holds one key per line, the sealing one first; a second line only appears while a
 * rotation is under way (scripts/rotate-key.ts). CONFLUX_SECRET_KEY takes the same list, comma-separated.
 */

export const DEFAULT_KEY_FILE = './data/secret.key';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** The variables read here (process.env by default). */
type Env = Readonly<Record<string, string | undefined>>;
const HEADER = [
  '# Conflux secret key (AES-256-GCM): it seals the secrets kept in the flow store.',
  '# Back it up apart from the database: without it the stored secrets cannot be read.',
  '# The first key seals; a further line is an older key, kept only while `npm run rotate-key` runs.',
];

/** The key is missing, unreadable or malformed: the server refuses to start with this message. */
export class SecretKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretKeyError';
  }
}

export const keyFilePath = (env: Env = process.env) => env.CONFLUX_SECRET_KEY_FILE || DEFAULT_KEY_FILE;

/** One key from its base64 text; the message says where it came from, never what it holds. */
export function parseKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const bytes = BASE64.test(trimmed) ? Buffer.from(trimmed, 'base64') : undefined;
  if (!bytes || bytes.length !== KEY_BYTES) {
    const got = bytes ? `${bytes.length} bytes` : 'text that is not base64';
    throw new SecretKeyError(`${where} is not a secret key: expected the base64 of ${KEY_BYTES} random bytes (e.g. \`openssl rand -base64 32\`), got ${got}`);
  }
  return bytes;
}

/** The keys of CONFLUX_SECRET_KEY (comma-separated, the sealing one first). */
export function keysFromEnv(value: string): Buffer[] {
  return value.split(',').map((text, i, all) => parseKey(text, all.length > 1 ? `CONFLUX_SECRET_KEY (key ${i + 1})` : 'CONFLUX_SECRET_KEY'));
}

export function readKeyFile(file: string): Buffer[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new SecretKeyError(`cannot read the secret key file ${file}: ${(error as Error).message}`);
  }
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) throw new SecretKeyError(`the secret key file ${file} holds no key`);
  return lines.map((line, i) => parseKey(line, `line ${i + 1} of the secret key file ${file}`));
}

/**
 * Write a key file so that it is never seen half-written: a private temporary file, flushed, then
 * renamed over the old one (atomic), then the directory flushed so the rename survives a crash.
 */
export function writeKeyFile(file: string, keys: readonly Buffer[]): void {
  const temporary = writeTemporaryKeyFile(file, keys);
  fs.renameSync(temporary, file);
  syncDirectory(path.dirname(file));
}

/**
 * The key ring the server seals with. Creates the key file (mode 0600) when there is neither
 * CONFLUX_SECRET_KEY nor a file; `created` then names it, for the start-up log.
 */
export function loadSecretBox(env: Env = process.env): { box: SecretBox; created?: string; warning?: string } {
  if (env.CONFLUX_SECRET_KEY) return { box: new SecretBox(keysFromEnv(env.CONFLUX_SECRET_KEY), 'CONFLUX_SECRET_KEY') };
  const file = keyFilePath(env);
  let created: string | undefined;
  if (!fs.existsSync(file)) created = createKeyFile(file) ? file : undefined;
  const mode = fs.statSync(file).mode & 0o777;
  const warning = mode & 0o077 ? `the secret key file ${file} can be read by other users (mode ${mode.toString(8)}): chmod 600 it` : undefined;
  return { box: new SecretBox(readKeyFile(file), file), created, warning };
}

/** A new key file, unless another process created one meanwhile (link() refuses to overwrite). */
function createKeyFile(file: string): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = writeTemporaryKeyFile(file, [newKey()]);
  try {
    fs.linkSync(temporary, file);
    syncDirectory(path.dirname(file));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

function writeTemporaryKeyFile(file: string, keys: readonly Buffer[]): string {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.rmSync(temporary, { force: true }); // left by a crash of an earlier process with this pid
  // 'wx' with 0600: private from its first byte (the umask can only take bits away)
  const fd = fs.openSync(temporary, 'wx', 0o600);
  try {
    fs.writeSync(fd, [...HEADER, ...keys.map((k) => k.toString('base64')), ''].join('\n'));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return temporary;
}

function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
