import { createHash, timingSafeEqual } from 'node:crypto';

/** Who may send records: a check of the request's Authorization header, and how a refusal reads. */
export interface CallerCheck {
  accepts(authorization: string | undefined): boolean;
  /** The 401's WWW-Authenticate header: the scheme the caller should use. */
  readonly challenge: string;
  readonly refusal: string;
}

export interface CallerCredentials {
  readonly bearerToken: string;
  readonly basicUsername: string;
  readonly basicPassword: string;
}

/** The check for the configured credentials (validation allows one kind at most), or undefined when anyone may send. */
export function callerCheck({ bearerToken, basicUsername, basicPassword }: CallerCredentials): CallerCheck | undefined {
  if (bearerToken !== '') {
    return { accepts: (header) => sameSecret(header ?? '', `Bearer ${bearerToken}`), challenge: 'Bearer', refusal: 'missing or wrong bearer token' };
  }
  if (basicUsername !== '') {
    const expected = `${basicUsername}:${basicPassword}`;
    return {
      accepts: (header) => {
        const given = basicCredentials(header);
        return given !== undefined && sameSecret(given, expected);
      },
      challenge: 'Basic realm="ListenHTTP", charset="UTF-8"',
      refusal: 'missing or wrong basic auth user name or password',
    };
  }
  return undefined;
}

/** "user:password" from a basic Authorization header (RFC 7617; the scheme is case-insensitive), or undefined. */
function basicCredentials(header: string | undefined): string | undefined {
  const encoded = /^basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header ?? '')?.[1];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/** Constant-time comparison of digests: equal lengths, so neither the secret's content nor its length leaks. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
