/**
 * The connector benchmark (issue 4), side by side in one run on this machine, each case in its own
 * process so peak RSS is its own; every Conflux case next to a hand-written baseline that uses the
 * same drivers at their best:
 *   MySQL → PostgreSQL   QueryDatabaseTable → PutDatabaseRecord   vs  mysql2 stream + COPY
 *   Kafka → PostgreSQL   ConsumeKafka → PutDatabaseRecord         vs  kafkajs eachBatch + COPY
 *   DuckDB load          GenerateRecords → PutWarehouse            vs  the appender in a plain loop
 * Needs MariaDB and PostgreSQL on 127.0.0.1 and kcat (the Kafka mock cluster).
 *
 *   npm run bench:connectors                     # 1,000,000 rows / messages each
 *   npm run bench:connectors -- --rows 200000
 */
import { runCase } from './run-case';
const i = process.argv.indexOf('--rows');
const rows = String(i > 0 ? Number(process.argv[i + 1]) : 1_000_000);

const pairs = [
  ['MySQL → PostgreSQL', runCase('MySQL → PostgreSQL, Conflux', 'mysql-to-postgres.ts', [rows]), runCase('MySQL → PostgreSQL, baseline', 'mysql-to-postgres-baseline.ts', ['copy', rows])],
  ['Kafka → PostgreSQL', runCase('Kafka → PostgreSQL, Conflux', 'kafka-to-postgres.ts', ['conflux', rows]), runCase('Kafka → PostgreSQL, baseline', 'kafka-to-postgres.ts', ['baseline', rows])],
  ['DuckDB load', runCase('DuckDB load, Conflux', 'duckdb-load.ts', ['conflux', rows]), runCase('DuckDB load, baseline', 'duckdb-load.ts', ['appender', rows])],
] as const;

const fmt = (n: number) => n.toLocaleString('en-US');
console.log(`\nmachine: ${process.platform} ${process.arch}, node ${process.version}`);
console.log('case'.padEnd(22) + 'Conflux rows/s'.padStart(16) + 'RSS MB'.padStart(8) + 'baseline rows/s'.padStart(17) + 'RSS MB'.padStart(8) + 'ratio'.padStart(8));
for (const [name, conflux, baseline] of pairs) {
  const ratio = `${Math.round((100 * conflux.recordsPerSec) / baseline.recordsPerSec)} %`;
  console.log(
    name.padEnd(22) +
      fmt(conflux.recordsPerSec).padStart(16) +
      fmt(conflux.peakRssMB).padStart(8) +
      fmt(baseline.recordsPerSec).padStart(17) +
      fmt(baseline.peakRssMB).padStart(8) +
      ratio.padStart(8),
  );
}
const [sql, kafka, duck] = pairs;
const goals = [
  [`MySQL → PostgreSQL at ${Math.round((100 * sql[1].recordsPerSec) / sql[2].recordsPerSec)} % of the baseline`, sql[1].recordsPerSec >= 0.8 * sql[2].recordsPerSec, 'goal ≥ 80 %'],
  [`Kafka → PostgreSQL at ${Math.round((100 * kafka[1].recordsPerSec) / kafka[2].recordsPerSec)} % of the baseline`, kafka[1].recordsPerSec >= 0.8 * kafka[2].recordsPerSec, 'goal ≥ 80 %'],
  [`DuckDB load ${fmt(duck[1].recordsPerSec)} rows/s`, duck[1].recordsPerSec >= 500_000, 'goal ≥ 500,000'],
] as const;
console.log('');
for (const [text, met, goal] of goals) console.log(`${met ? 'met ' : 'MISS'}  ${text.padEnd(50)} ${goal}`);
