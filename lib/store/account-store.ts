import type { ApiToken, AuditEvent, Session, User } from '../generated/sqlite/client';
import type { Prisma } from './client';

export type { ApiToken, AuditEvent, Session, User } from '../generated/sqlite/client';

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'at'>;
export interface AuditFilter {
  actor?: string;
  action?: string;
  since?: Date;
  until?: Date;
  /** Events older than this id (paging back). */
  before?: number;
  limit: number;
}

/** Users, their sessions and API tokens, and the audit log, in the flow store's database. */
export class AccountStore {
  constructor(private readonly prisma: Prisma) {}

  countUsers = (where: { role?: string; active?: boolean } = {}): Promise<number> =>
    this.prisma.user.count({ where: { role: where.role, ...(where.active ? { disabledAt: null } : {}) } });

  /** Undefined when the name is taken. */
  async createUser(data: { username: string; passwordHash: string; role: string }): Promise<User | undefined> {
    if (await this.prisma.user.findUnique({ where: { username: data.username } })) return undefined;
    return this.prisma.user.create({ data });
  }

  findUser = (where: { id: string } | { username: string }): Promise<User | null> => this.prisma.user.findUnique({ where });
  listUsers = (): Promise<User[]> => this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } });

  async updateUser(id: string, data: Partial<Pick<User, 'role' | 'passwordHash' | 'disabledAt'>>): Promise<User | undefined> {
    const { count } = await this.prisma.user.updateMany({ where: { id }, data });
    return count ? ((await this.findUser({ id })) ?? undefined) : undefined;
  }

  /** Deleting a user deletes its sessions and tokens (cascade). */
  deleteUser = async (id: string): Promise<boolean> => (await this.prisma.user.deleteMany({ where: { id } })).count > 0;

  createSession = (data: { id: string; userId: string; expiresAt: Date }): Promise<Session> => this.prisma.session.create({ data });
  findSession = (id: string) => this.prisma.session.findUnique({ where: { id }, include: { user: true } });
  extendSession = async (id: string, expiresAt: Date): Promise<void> => void (await this.prisma.session.updateMany({ where: { id }, data: { expiresAt } }));
  deleteSession = async (id: string): Promise<void> => void (await this.prisma.session.deleteMany({ where: { id } }));

  /** Ends a user's sessions (role change, disabling, password change), but `except`. */
  deleteSessionsOf = async (userId: string, except?: string): Promise<void> =>
    void (await this.prisma.session.deleteMany({ where: { userId, ...(except ? { id: { not: except } } : {}) } }));

  deleteExpiredSessions = async (now: Date): Promise<void> => void (await this.prisma.session.deleteMany({ where: { expiresAt: { lt: now } } }));

  createToken = (data: { name: string; tokenHash: string; userId: string; role: string; expiresAt: Date | null }): Promise<ApiToken> =>
    this.prisma.apiToken.create({ data });
  findToken = (tokenHash: string) => this.prisma.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
  touchToken = async (id: string, at: Date): Promise<void> => void (await this.prisma.apiToken.updateMany({ where: { id }, data: { lastUsedAt: at } }));
  listTokens = (userId?: string) =>
    this.prisma.apiToken.findMany({ where: userId ? { userId } : {}, orderBy: { createdAt: 'asc' }, include: { user: { select: { username: true } } } });
  /** With a userId, only that user's token is deleted. Returns its name, undefined when there is none. */
  async deleteToken(id: string, userId?: string): Promise<string | undefined> {
    const where = { id, ...(userId ? { userId } : {}) };
    const token = await this.prisma.apiToken.findFirst({ where, select: { name: true } });
    if (!token || (await this.prisma.apiToken.deleteMany({ where })).count === 0) return undefined;
    return token.name;
  }
  /** Tokens may not hold more than their user: lowering a user's role lowers them too. */
  capTokens = async (userId: string, roles: readonly string[], role: string): Promise<void> =>
    void (await this.prisma.apiToken.updateMany({ where: { userId, role: { notIn: [...roles] } }, data: { role } }));

  addAuditEvent = async (event: NewAuditEvent): Promise<void> => void (await this.prisma.auditEvent.create({ data: event }));

  listAudit = ({ actor, action, since, until, before, limit }: AuditFilter): Promise<AuditEvent[]> =>
    this.prisma.auditEvent.findMany({
      where: {
        ...(actor ? { actor: { contains: actor } } : {}),
        ...(action ? { action: { startsWith: action } } : {}),
        ...(since || until ? { at: { ...(since ? { gte: since } : {}), ...(until ? { lte: until } : {}) } } : {}),
        ...(before ? { id: { lt: before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: limit,
    });

  /** Keeps the newest `keep` events. */
  async pruneAudit(keep: number): Promise<void> {
    const newest = await this.prisma.auditEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
    if (newest && newest.id > keep) await this.prisma.auditEvent.deleteMany({ where: { id: { lte: newest.id - keep } } });
  }
}
