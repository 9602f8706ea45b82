/**
 * Something a processor learns once and keeps (a table's description, a read plan): made on first
 * use, since the database may be down at start; forgotten when making it failed, so the next use tries
 * again; forgotten on purpose when the processor learns it went stale (a column renamed, a table read
 * to its end).
 */
export interface Memo<A extends unknown[], T> {
  get(...args: A): Promise<T>;
  forget(): void;
}

export function memoUntilFailure<A extends unknown[], T>(make: (...args: A) => Promise<T>): Memo<A, T> {
  let made: Promise<T> | undefined;
  return {
    get(...args) {
      if (!made) {
        const making = make(...args);
        made = making;
        making.catch(() => {
          if (made === making) made = undefined;
        });
      }
      return made;
    },
    forget() {
      made = undefined;
    },
  };
}
