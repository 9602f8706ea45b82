'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ErrorLine } from '@/components/ui/error-line';

interface Result {
  columns: string[];
  rows: unknown[][];
  truncated: boolean;
  ms: number;
}

const cell = (value: unknown) => (value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function toCsv({ columns, rows }: Result): string {
  const field = (value: unknown) => {
    const text = cell(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns, ...rows].map((row) => row.map(field).join(',')).join('\r\n') + '\r\n';
}

function download(result: Result) {
  const url = URL.createObjectURL(new Blob([toCsv(result)], { type: 'text/csv' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = 'query.csv';
  link.click();
  URL.revokeObjectURL(url);
}

/** SQL over the warehouse, read-only: the server refuses anything but one reading statement, stops it after 10 s and returns at most the row limit. */
export function SqlConsole({ initialSql }: { initialSql: string }) {
  const [sql, setSql] = useState(initialSql);
  const [result, setResult] = useState<Result>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);

  async function run() {
    setRunning(true);
    setError(undefined);
    try {
      const response = await fetch('/api/warehouse/query', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql, limit: 1000 }) });
      const body = await response.json();
      if (!response.ok) {
        setResult(undefined);
        setError(body.error ?? `the query failed (${response.status})`);
      } else setResult(body);
    } catch (failure) {
      setError(`the server could not be reached: ${(failure as Error).message}`);
    } finally {
      setRunning(false);
    }
  }

  return (
    <section className="flex flex-col gap-2 rounded border border-slate-200 bg-white p-4" aria-label="SQL console">
      <h2 className="text-sm font-semibold text-slate-800">SQL console</h2>
      <p className="text-xs text-slate-500">Read-only over the warehouse (DuckDB): one SELECT, WITH, EXPLAIN, DESCRIBE or SUMMARIZE at a time, at most 1,000 rows, stopped after 10 s. Tables: sales, cart_events.</p>
      <textarea
        aria-label="SQL"
        data-testid="console-sql"
        className="h-28 w-full rounded border border-slate-300 p-2 font-mono text-xs"
        value={sql}
        onChange={(e) => setSql(e.target.value)}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') void run();
        }}
        spellCheck={false}
      />
      <div className="flex items-center gap-2">
        <Button tone="primary" onClick={() => void run()} disabled={running} data-testid="console-run">
          {running ? 'Running…' : 'Run (Ctrl+Enter)'}
        </Button>
        {result && (
          <>
            <Button onClick={() => download(result)} data-testid="console-csv">
              Download CSV
            </Button>
            <span className="text-xs text-slate-500" data-testid="console-summary">
              {result.rows.length.toLocaleString('en-US')} row{result.rows.length === 1 ? '' : 's'}
              {result.truncated ? ' (more not shown)' : ''} in {result.ms} ms
            </span>
          </>
        )}
      </div>
      <ErrorLine message={error} testId="console-error" />
      {result && (
        <div className="max-h-96 overflow-auto">
          <table className="min-w-full border-collapse text-xs" data-testid="console-result">
            <thead>
              <tr>
                {result.columns.map((c) => (
                  <th key={c} className="sticky top-0 border-b border-slate-200 bg-slate-50 px-2 py-1 text-left font-medium">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row, i) => (
                <tr key={i} className="odd:bg-white even:bg-slate-50">
                  {row.map((value, j) => (
                    <td key={j} className="border-b border-slate-100 px-2 py-0.5 font-mono whitespace-nowrap">
                      {cell(value)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
