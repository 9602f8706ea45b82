/**
 * What the flow store does to processor and service properties at its boundary: `seal` before
 * every write, `open` after every read, so the rest of the server and the engine only ever see
 * clear values while the database only ever holds sealed secrets. The store knows no specs: the
 * server's vault (lib/server/sealed-properties.ts) decides which properties are secrets.
 */
export interface PropertyOwner {
  readonly kind: 'processor' | 'service';
  readonly type: string;
  /** For messages: which component a value that cannot be opened belongs to. */
  readonly name: string;
}

export interface PropertyVault {
  seal(owner: PropertyOwner, properties: Record<string, unknown>): Record<string, unknown>;
  open(owner: PropertyOwner, properties: Record<string, unknown>): Record<string, unknown>;
  /**
   * The stored properties rewritten to the form a write would give them now (a secret still in
   * clear sealed, a secret sealed with an older key re-sealed with the current one); undefined
   * when they already have it.
   */
  reseal(owner: PropertyOwner, stored: Record<string, unknown>): Record<string, unknown> | undefined;
}

/** Properties stored as given: for tools and tests that open a store without the server's key. */
export const CLEAR_PROPERTIES: PropertyVault = {
  seal: (_owner, properties) => properties,
  open: (_owner, properties) => properties,
  reseal: () => undefined,
};
