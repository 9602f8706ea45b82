import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/**
 * Secrets people and scripts present: passwords (argon2id, memory-hard, salted, from a well-kept
 * Rust binding) and random bearer tokens (sessions, API tokens, the setup token), of which only a
 * SHA-256 is stored: 256 random bits need no slow hash, and a copied row cannot be presented.
 */

/** OWASP's argon2id minimum (19 MiB, 2 passes) is @node-rs/argon2's default: ~20-50 ms here. */
export const hashPassword = (password: string): Promise<string> => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash is a failed sign-in, not a 500
  }
}

/** A hash to verify against when the user does not exist, so both cases take the same time. */
let decoy: Promise<string> | undefined;
export const decoyHash = (): Promise<string> => (decoy ??= hashPassword(randomBytes(16).toString('hex')));

/** A new bearer token: 32 random bytes, base64url, with a prefix saying what it is (cfx_s_, cfx_t_). */
export const newToken = (prefix: string): string => prefix + randomBytes(32).toString('base64url');

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

/** Constant-time string comparison (of hashes, so lengths match and nothing leaks through them). */
export const sameSecret = (a: string, b: string): boolean => timingSafeEqual(Buffer.from(tokenHash(a)), Buffer.from(tokenHash(b)));

export const MIN_PASSWORD_LENGTH = 10;
