import { EventEmitter } from 'node:events';
import { z } from 'zod';
import type { AccountStore, AuditFilter, NewAuditEvent, User } from '../../store/account-store';
import { HttpError, badRequest, conflict, notFound } from '../http-error';
import { MIN_PASSWORD_LENGTH, decoyHash, hashPassword, newToken, sameSecret, tokenHash, verifyPassword } from './credentials';
import { ROLES, Role, hasRole, type Identity } from '../../auth/roles';

export const SESSION_COOKIE = 'conflux_session';
const DAY = 24 * 60 * 60 * 1000;
/** A session lasts a week, renewed (at most once a day's use) while it is used. */
export const SESSION_TTL_MS = 7 * DAY;
/** Failed sign-ins per user name before it is refused for a while (argon2 already makes each slow). */
const MAX_FAILURES = 10;
const FAILURE_WINDOW_MS = 5 * 60 * 1000;
/** How long a checked credential is trusted without asking the database again (revocations clear it). */
const CACHE_MS = 30_000;
const AUDIT_KEEP = Number(process.env.CONFLUX_AUDIT_KEEP ?? 100_000);

export const Username = z.string().trim().min(1, 'a user name is required').max(64).regex(/^[\w.@-]+$/, 'use letters, digits and . _ @ -');
export const Password = z.string().min(MIN_PASSWORD_LENGTH, `a password needs at least ${MIN_PASSWORD_LENGTH} characters`).max(1024);
export const Credentials = z.object({ username: Username, password: z.string().max(1024) });
export const SetupInput = z.object({ token: z.string().max(200), username: Username, password: Password });
export const NewUserInput = z.object({ username: Username, password: Password, role: Role });
export const UserPatch = z.object({ role: Role, password: Password, disabled: z.boolean() }).partial().strict();
export const PasswordChange = z.object({ currentPassword: z.string().max(1024), password: Password }).strict();
export const NewTokenInput = z.object({
  name: z.string().trim().min(1, 'a token needs a name').max(100),
  /** At most the creator's role; theirs when absent. */
  role: Role.optional(),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

/** A user as the API shows it: never the hash. */
export const publicUser = (u: User) => ({ id: u.id, username: u.username, role: u.role as Role, disabled: u.disabledAt !== null, createdAt: u.createdAt });
export type PublicUser = ReturnType<typeof publicUser>;

const unauthorized = (message: string) => new HttpError(401, message);
const forbidden = (message: string) => new HttpError(403, message);

/**
 * Accounts: the first admin (through a one-time setup token), sign-in and sessions, API tokens,
 * users and roles, and the audit log. `revoked` is emitted when sessions or tokens end (sign-out,
 * role or password change, disabling, deletion) with a test of the identities that ended, so live
 * connections made with them are closed too.
 */
export class Accounts {
  readonly events = new EventEmitter<{ revoked: [ended: (identity: Identity) => boolean] }>();
  private setupToken: string | undefined;
  private readonly failures = new Map<string, { count: number; since: number }>();
  private auditWrites = 0;
  private userChanges: Promise<unknown> = Promise.resolve();
  private readonly cache = new Map<string, { identity: Identity; until: number }>();
  /** Bumped by every revocation: a lookup that began before one is not cached. */
  private generation = 0;

  constructor(private readonly store: AccountStore) {
    this.events.on('revoked', () => {
      this.generation++;
      this.cache.clear();
    });
  }

  /**
   * With no user yet, a setup token (CONFLUX_SETUP_TOKEN, or a random one) that creates the first
   * admin: the caller prints it. Undefined once someone exists.
   */
  async prepare(chosen = process.env.CONFLUX_SETUP_TOKEN): Promise<string | undefined> {
    await this.store.deleteExpiredSessions(new Date());
    if ((await this.store.countUsers()) > 0) return (this.setupToken = undefined);
    return (this.setupToken = chosen || newToken('cfx_setup_'));
  }

  get needsSetup(): boolean {
    return this.setupToken !== undefined;
  }

  async setup(input: z.infer<typeof SetupInput>): Promise<{ user: PublicUser; sessionToken: string }> {
    const token = this.setupToken;
    if (token === undefined) throw conflict('Conflux is already set up: sign in');
    if (!sameSecret(input.token, token)) throw forbidden('the setup token is not the one printed in the server console');
    // spent before the first await, so that simultaneous requests cannot each make an admin
    this.setupToken = undefined;
    try {
      const user = await this.store.createUser({ username: input.username, passwordHash: await hashPassword(input.password), role: 'admin' });
      if (!user) throw conflict(`the user name ${input.username} is taken`);
      return { user: publicUser(user), sessionToken: await this.startSession(user.id) };
    } catch (error) {
      this.setupToken ??= token;
      throw error;
    }
  }

  async login({ username, password }: z.infer<typeof Credentials>): Promise<{ user: PublicUser; sessionToken: string }> {
    // the attempt counts before the slow check, so that attempts sent together are limited too
    const now = Date.now();
    const previous = this.failures.get(username);
    const attempts = previous && now - previous.since < FAILURE_WINDOW_MS ? previous : { count: 0, since: now };
    if (attempts.count >= MAX_FAILURES) throw new HttpError(429, `too many failed sign-ins for ${username}: try again in a few minutes`);
    attempts.count++;
    this.failures.delete(username); // re-inserted last: the map's order is the age of its entries
    this.failures.set(username, attempts);
    // bounded: a flood of names evicts the oldest entries, not the ones being guessed
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);

    const user = await this.store.findUser({ username });
    // verify against a decoy when there is no such user, so the answer's timing does not tell
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), password);
    // one answer for every failure: a disabled account does not confirm that its password was right
    if (!user || !ok || user.disabledAt) throw unauthorized('wrong user name or password, or the account is disabled');
    this.failures.delete(username);
    return { user: publicUser(user), sessionToken: await this.startSession(user.id) };
  }

  async logout(identity: Identity): Promise<void> {
    if (!identity.sessionId) return;
    await this.store.deleteSession(identity.sessionId);
    this.events.emit('revoked', (i) => i.sessionId === identity.sessionId);
  }

  /**
   * The identity behind a session cookie or a bearer token, if it is valid now. Answers are kept
   * for up to CACHE_MS, so a request costs no database round trip (the API stays fast while the
   * engine is busy); every revocation empties the cache, so one takes effect at once.
   */
  async authenticate(credentials: { sessionToken?: string; bearer?: string }): Promise<Identity | undefined> {
    const kind = credentials.bearer ? 'token' : 'session';
    const secret = credentials.bearer ?? credentials.sessionToken;
    if (!secret) return undefined;
    const hash = tokenHash(secret);
    const key = `${kind}:${hash}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.identity;
    const generation = this.generation;
    const found = await (kind === 'token' ? this.tokenIdentity(hash) : this.sessionIdentity(hash));
    if (generation === this.generation && found) {
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(key, { identity: found.identity, until: Math.min(Date.now() + CACHE_MS, found.expiresAt?.getTime() ?? Infinity) });
    }
    return found?.identity;
  }

  /** The API token with this hash, if it is valid now. */
  private async tokenIdentity(hash: string): Promise<{ identity: Identity; expiresAt: Date | null } | undefined> {
    const now = new Date();
    const token = await this.store.findToken(hash);
    if (!token || token.user.disabledAt || (token.expiresAt && token.expiresAt <= now)) return undefined;
    // at most once a minute: a script's every request need not write
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) await this.store.touchToken(token.id, now);
    const role = hasRole(token.user.role as Role, token.role as Role) ? (token.role as Role) : (token.user.role as Role);
    return { identity: { userId: token.userId, username: token.user.username, role, tokenId: token.id, tokenName: token.name }, expiresAt: token.expiresAt };
  }

  /** The session whose id is this hash, if it is valid now; renewed once a day's use. */
  private async sessionIdentity(id: string): Promise<{ identity: Identity; expiresAt: Date | null } | undefined> {
    const now = new Date();
    const session = await this.store.findSession(id);
    if (!session || session.user.disabledAt) return undefined;
    if (session.expiresAt <= now) {
      await this.store.deleteSession(id);
      return undefined;
    }
    if (session.expiresAt.getTime() - now.getTime() < SESSION_TTL_MS - DAY) await this.store.extendSession(id, new Date(now.getTime() + SESSION_TTL_MS));
    return { identity: { userId: session.userId, username: session.user.username, role: session.user.role as Role, sessionId: id }, expiresAt: session.expiresAt };
  }

  async changePassword(identity: Identity, input: z.infer<typeof PasswordChange>): Promise<void> {
    const user = await this.store.findUser({ id: identity.userId });
    if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) throw badRequest('the current password is wrong');
    await this.store.updateUser(user.id, { passwordHash: await hashPassword(input.password) });
    await this.endSessions(user.id, identity.sessionId);
  }

  listUsers = async (): Promise<PublicUser[]> => (await this.store.listUsers()).map(publicUser);

  async createUser(input: z.infer<typeof NewUserInput>): Promise<PublicUser> {
    const user = await this.store.createUser({ username: input.username, passwordHash: await hashPassword(input.password), role: input.role });
    if (!user) throw conflict(`the user name ${input.username} is taken`);
    return publicUser(user);
  }

  updateUser = (actor: Identity, id: string, patch: z.infer<typeof UserPatch>): Promise<PublicUser> => this.serially(() => this.changeUser(actor, id, patch));

  private async changeUser(actor: Identity, id: string, patch: z.infer<typeof UserPatch>): Promise<PublicUser> {
    const user = await this.store.findUser({ id });
    if (!user) throw notFound(`user ${id}`);
    const demoted = patch.role !== undefined && patch.role !== 'admin';
    if ((demoted || patch.disabled) && (await this.isLastAdmin(user))) throw conflict('this is the last admin: make another user admin first');
    const updated = await this.store.updateUser(id, {
      ...(patch.role ? { role: patch.role } : {}),
      ...(patch.password ? { passwordHash: await hashPassword(patch.password) } : {}),
      ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? new Date() : null } : {}),
    });
    if (!updated) throw notFound(`user ${id}`);
    if (patch.role) await this.store.capTokens(id, ROLES.slice(0, ROLES.indexOf(patch.role) + 1), patch.role);
    // a new role or password, or disabling, ends the user's sessions (the actor's own stays when it changes itself)
    await this.endSessions(id, actor.userId === id ? actor.sessionId : undefined);
    return publicUser(updated);
  }

  /** Deletes a user (not oneself, not the last admin); returns its name. */
  deleteUser = (actor: Identity, id: string): Promise<string> =>
    this.serially(async () => {
      if (actor.userId === id) throw conflict('you cannot delete yourself');
      const user = await this.store.findUser({ id });
      if (!user) throw notFound(`user ${id}`);
      if (await this.isLastAdmin(user)) throw conflict('this is the last admin');
      await this.store.deleteUser(id);
      this.events.emit('revoked', (i) => i.userId === id);
      return user.username;
    });

  private isLastAdmin = async (user: User): Promise<boolean> =>
    user.role === 'admin' && (await this.store.countUsers({ role: 'admin', active: true })) <= 1;

  /**
   * User changes one after another: the last-admin check and the change it guards must not
   * interleave with another change (two admins demoting each other at once).
   */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.userChanges.then(work);
    this.userChanges = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  async createToken(owner: Identity, input: z.infer<typeof NewTokenInput>) {
    // a token made by a token could outlive it (and its expiry): tokens come from people, signed in
    if (owner.tokenId) throw forbidden('API tokens are created from a signed-in session, not with another token');
    const role = input.role ?? owner.role;
    if (!hasRole(owner.role, role)) throw forbidden(`a ${owner.role} cannot create a token with the ${role} role`);
    const token = newToken('cfx_t_');
    const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY) : null;
    const row = await this.store.createToken({ name: input.name, tokenHash: tokenHash(token), userId: owner.userId, role, expiresAt });
    return { token, ...publicToken({ ...row, user: { username: owner.username } }) };
  }

  /** An admin sees every token; others their own. */
  listTokens = async (viewer: Identity) => (await this.store.listTokens(viewer.role === 'admin' ? undefined : viewer.userId)).map(publicToken);

  /** Revokes a token (an admin any, others their own); returns its name. */
  async deleteToken(viewer: Identity, id: string): Promise<string> {
    const name = await this.store.deleteToken(id, viewer.role === 'admin' ? undefined : viewer.userId);
    if (name === undefined) throw notFound(`token ${id}`);
    this.events.emit('revoked', (i) => i.tokenId === id);
    return name;
  }

  /** Records an event; every 1,000th write trims the log to the newest CONFLUX_AUDIT_KEEP (100,000). */
  async audit(event: NewAuditEvent): Promise<void> {
    await this.store.addAuditEvent(event);
    if (++this.auditWrites % 1000 === 0) await this.store.pruneAudit(AUDIT_KEEP);
  }

  listAudit = (filter: AuditFilter) => this.store.listAudit(filter);

  private async startSession(userId: string): Promise<string> {
    const token = newToken('cfx_s_');
    await this.store.createSession({ id: tokenHash(token), userId, expiresAt: new Date(Date.now() + SESSION_TTL_MS) });
    return token;
  }

  private async endSessions(userId: string, except?: string): Promise<void> {
    await this.store.deleteSessionsOf(userId, except);
    this.events.emit('revoked', (i) => i.userId === userId && (except === undefined || i.sessionId !== except));
  }
}

const publicToken = (t: { id: string; name: string; role: string; expiresAt: Date | null; lastUsedAt: Date | null; createdAt: Date; user: { username: string } }) => ({
  id: t.id,
  name: t.name,
  role: t.role as Role,
  owner: t.user.username,
  expiresAt: t.expiresAt,
  lastUsedAt: t.lastUsedAt,
  createdAt: t.createdAt,
});
