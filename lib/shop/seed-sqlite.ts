import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { REGIONS, type Region } from './catalog';
import { shopDays, type ShopDay, type StoreOptions } from './generate';
import { cartEventsTable, createTableSql, insertRowSql, orderLinesTable } from './regional-tables';

/** A region's embedded shop database: one SQLite file per region. */
export const regionFile = (directory: string, region: Region) => path.join(directory, `${region}.db`);

export interface Seeded {
  readonly region: Region;
  readonly lines: number;
  readonly events: number;
}

/**
 * Write the store into one SQLite file per region under `directory`, unless a region's file already
 * holds order lines (a restart keeps what the shop has, including what was sold since). A day is one
 * transaction: the files are readable, and a reader sees whole days, while seeding goes on.
 */
export function seedSqlite(directory: string, options: StoreOptions): Seeded[] {
  mkdirSync(directory, { recursive: true });
  return REGIONS.map((region) => {
    const db = new Database(regionFile(directory, region));
    try {
      db.pragma('journal_mode = WAL');
      const lines = orderLinesTable(region);
      const events = cartEventsTable(region);
      db.exec(createTableSql(lines, 'sqlite'));
      db.exec(createTableSql(events, 'sqlite'));
      const { n } = db.prepare('SELECT COUNT(*) AS n FROM order_lines').get() as { n: number };
      if (n > 0) return { region, lines: 0, events: 0 };
      const insertLine = db.prepare(insertRowSql(lines));
      const insertEvent = db.prepare(insertRowSql(events));
      let lineCount = 0;
      let eventCount = 0;
      const writeDay = db.transaction((day: ShopDay) => {
        for (const line of day.lines) insertLine.run(lines.values(line));
        for (const event of day.events) insertEvent.run(events.values(event));
      });
      for (const day of shopDays(region, options)) {
        writeDay(day);
        lineCount += day.lines.length;
        eventCount += day.events.length;
      }
      return { region, lines: lineCount, events: eventCount };
    } finally {
      db.close();
    }
  });
}
