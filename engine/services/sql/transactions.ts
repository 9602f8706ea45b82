import type { SqlDatabase, SqlTransaction } from './types';

/**
 * A transaction's `attempt`: one step inside a savepoint, undone alone if it throws while the
 * transaction goes on (how PutDatabaseRecord isolates a bad row). Same SQL on both databases.
 */
export function savepointAttempts(control: (sql: string) => Promise<unknown>): SqlTransaction['attempt'] {
  let savepoints = 0;
  return async (step) => {
    const name = `conflux_${++savepoints}`;
    await control(`SAVEPOINT ${name}`);
    try {
      const result = await step();
      await control(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      await control(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  };
}

/** Fail at open, with the database's reason, rather than at the first record; release the pool if so. */
export async function checkedOpen(database: SqlDatabase, release: () => Promise<unknown>): Promise<SqlDatabase> {
  try {
    await database.run({ sql: 'SELECT 1', params: [] });
  } catch (error) {
    await release().catch(() => undefined);
    throw error;
  }
  return database;
}
