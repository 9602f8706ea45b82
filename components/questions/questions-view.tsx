'use client';

import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Answers } from '@/lib/shop/questions';
import type { QuestionsAnswer } from '@/lib/server/warehouse-reader';
import { ErrorLine } from '@/components/ui/error-line';
import { Chart } from './chart';
import { SqlConsole } from './sql-console';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
const usd = (n: number) => n.toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const int = (n: number) => n.toLocaleString('en-US');
const when = (iso: unknown) => (typeof iso === 'string' ? new Date(iso).toLocaleString() : '–');
const periodLabel = (key: string) => (key === 'all' ? 'All time' : key.replace('-', ' '));

/** The Questions page: the four answers over a period, each with its chart and SQL, freshness, and the SQL console. */
export function QuestionsView() {
  const [period, setPeriod] = useState('last');
  const [data, setData] = useState<QuestionsAnswer>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    const load = async () => {
      try {
        const response = await fetch(`/api/questions?period=${encodeURIComponent(period)}`);
        const body = await response.json();
        if (!current) return;
        if (response.ok) {
          setData(body);
          setError(undefined);
        } else setError(body.error ?? `the answers could not be read (${response.status})`);
      } catch (failure) {
        if (current) setError(`the server could not be reached: ${(failure as Error).message}`);
      }
    };
    void load();
    // the flow keeps loading: the answers follow it
    const timer = setInterval(() => void load(), 10_000);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [period]);

  const periods = data ? [...new Set([data.period.key, ...data.periods])] : [period];
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2 text-sm text-slate-700">
          Period
          <select className="rounded border border-slate-300 px-2 py-1 text-sm" value={data?.period.key ?? period} onChange={(e) => setPeriod(e.target.value)} data-testid="period">
            {periods.map((key) => (
              <option key={key} value={key}>
                {periodLabel(key)}
                {key === data?.period.key && period === 'last' ? ' (last quarter)' : ''}
              </option>
            ))}
          </select>
        </label>
        {data?.period.from && (
          <span className="text-xs text-slate-500">
            {new Date(data.period.from).toISOString().slice(0, 10)} to {new Date(Date.parse(data.period.to!) - 1).toISOString().slice(0, 10)} (UTC)
          </span>
        )}
      </div>
      <ErrorLine message={error} testId="questions-error" />
      {data?.message && <p className="rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-800">{data.message}</p>}
      {data?.answers && <AnswerCards answers={data.answers} sql={data.sql} />}
      {data && data.freshness.length > 0 && <Freshness rows={data.freshness} />}
      <SqlConsole initialSql={'SELECT region, COUNT(*) AS lines, ROUND(SUM(revenue_usd)) AS revenue_usd\nFROM sales\nGROUP BY region\nORDER BY revenue_usd DESC'} />
    </div>
  );
}

function Card({ title, headline, testId, sql, children }: { title: string; headline: ReactNode; testId: string; sql: string; children: ReactNode }) {
  return (
    <section className="flex flex-col gap-2 rounded border border-slate-200 bg-white p-4" aria-label={title}>
      <h2 className="text-sm font-semibold text-slate-800">{title}</h2>
      <p className="text-2xl font-semibold text-slate-900" data-testid={testId}>
        {headline}
      </p>
      <div className="grid gap-3 lg:grid-cols-[3fr_2fr]">
        <div>{children}</div>
        <pre className="max-h-72 overflow-auto rounded bg-slate-50 p-2 font-mono text-[11px] leading-snug text-slate-700" aria-label={`SQL of: ${title}`}>
          {sql}
        </pre>
      </div>
    </section>
  );
}

function AnswerCards({ answers, sql }: { answers: Answers; sql: QuestionsAnswer['sql'] }) {
  const options = useMemo(() => chartOptions(answers), [answers]);
  const [clock, setClock] = useState<'utc' | 'local'>('local');
  const top = answers.regions[0];
  const peak = peakOf(answers.heat[clock]);
  return (
    <div className="flex flex-col gap-4">
      <Card title="1. PRO FILT'R Hydrating Longwear Foundation sold, shades #110, #150, #160, #255, #490" headline={`${int(answers.totalUnits)} units`} testId="answer-units" sql={sql.shades}>
        <Chart option={options.shades} label="Units sold per shade" />
      </Card>
      <Card title="2. Which region sold the most foundation" headline={top ? `${top.region}: ${int(top.units)} units, ${usd(top.revenueUsd)}` : 'no sales in this period'} testId="answer-region" sql={sql.regions}>
        <Chart option={options.regions} label="Foundation units and revenue per region" />
      </Card>
      <Card title="3. Peak purchase times of these shades" headline={peak ? `${DAYS[peak.dow]} ${HOURS[peak.hour]}:00–${HOURS[(peak.hour + 1) % 24]}:00 (${clock === 'utc' ? 'UTC' : 'local time'})` : 'no sales in this period'} testId="answer-peak" sql={sql.heat}>
        <div className="mb-2 flex gap-3 text-xs text-slate-600">
          {(['local', 'utc'] as const).map((c) => (
            <label key={c} className="flex items-center gap-1">
              <input type="radio" name="clock" checked={clock === c} onChange={() => setClock(c)} /> {c === 'utc' ? 'UTC' : "each region's local time"}
            </label>
          ))}
        </div>
        <Chart option={clock === 'utc' ? options.heatUtc : options.heatLocal} height={300} label={`Units by day of week and hour, ${clock === 'utc' ? 'UTC' : 'local time'}`} />
      </Card>
      <Card title="4. Users who added these shades to their cart and later removed them" headline={`${int(answers.cart.users)} users`} testId="answer-cart" sql={sql.cart}>
        <div className="max-h-72 overflow-auto">
          <table className="min-w-full text-xs">
            <thead>
              <tr className="text-left text-slate-500">
                <th className="px-2 py-1">Region</th>
                <th className="px-2 py-1">Customer</th>
                <th className="px-2 py-1">Shades removed</th>
                <th className="px-2 py-1">Last removed</th>
              </tr>
            </thead>
            <tbody>
              {answers.cart.list.slice(0, 200).map((u) => (
                <tr key={`${u.region}/${u.customerId}`} className="odd:bg-slate-50">
                  <td className="px-2 py-0.5">{u.region}</td>
                  <td className="px-2 py-0.5 font-mono">{u.customerId}</td>
                  <td className="px-2 py-0.5">{u.shades}</td>
                  <td className="px-2 py-0.5">{when(u.lastRemovedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {answers.cart.list.length > 200 && <p className="px-2 py-1 text-xs text-slate-500">and {int(answers.cart.list.length - 200)} more (the console has them all)</p>}
        </div>
      </Card>
    </div>
  );
}

function Freshness({ rows }: { rows: Record<string, unknown>[] }) {
  return (
    <section className="rounded border border-slate-200 bg-white p-4" aria-label="Freshness">
      <h2 className="mb-2 text-sm font-semibold text-slate-800">How current these answers are</h2>
      <table className="text-xs" data-testid="freshness">
        <thead>
          <tr className="text-left text-slate-500">
            <th className="px-2 py-1">Region</th>
            <th className="px-2 py-1">Order lines in the warehouse</th>
            <th className="px-2 py-1">Latest order</th>
            <th className="px-2 py-1">Last load</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={String(r.region)}>
              <td className="px-2 py-0.5">{String(r.region)}</td>
              <td className="px-2 py-0.5 text-right">{int(Number(r.rows))}</td>
              <td className="px-2 py-0.5">{when(r.latest_order)}</td>
              <td className="px-2 py-0.5">{when(r.last_load)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function peakOf(heat: number[][]): { dow: number; hour: number } | undefined {
  let best: { dow: number; hour: number; units: number } | undefined;
  for (const [dow, hours] of heat.entries()) {
    for (const [hour, units] of hours.entries()) if (units > (best?.units ?? 0)) best = { dow, hour, units };
  }
  return best;
}

function heatOption(heat: number[][]) {
  const data = heat.flatMap((hours, dow) => hours.map((units, hour) => [hour, dow, units]));
  return {
    tooltip: { position: 'top' },
    grid: { left: 40, right: 10, top: 10, bottom: 80 },
    xAxis: { type: 'category', data: HOURS, splitArea: { show: true } },
    yAxis: { type: 'category', data: DAYS, splitArea: { show: true } },
    visualMap: { min: 0, max: Math.max(1, ...heat.flat()), calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120 },
    series: [{ type: 'heatmap', name: 'units', data }],
  };
}

function chartOptions(answers: Answers) {
  return {
    shades: {
      tooltip: { trigger: 'axis' },
      grid: { left: 50, right: 10, top: 10, bottom: 30 },
      xAxis: { type: 'category', data: answers.shades.map((s) => s.shade) },
      yAxis: { type: 'value', name: 'units' },
      series: [{ type: 'bar', name: 'units', data: answers.shades.map((s) => s.units), itemStyle: { color: '#b07a5a' } }],
    },
    regions: {
      tooltip: { trigger: 'axis' },
      legend: { data: ['units', 'revenue (USD)'], bottom: 0 },
      grid: { left: 50, right: 60, top: 10, bottom: 50 },
      xAxis: { type: 'category', data: answers.regions.map((r) => r.region) },
      yAxis: [
        { type: 'value', name: 'units' },
        { type: 'value', name: 'USD' },
      ],
      series: [
        { type: 'bar', name: 'units', data: answers.regions.map((r) => r.units) },
        { type: 'bar', name: 'revenue (USD)', yAxisIndex: 1, data: answers.regions.map((r) => Math.round(r.revenueUsd)) },
      ],
    },
    heatUtc: heatOption(answers.heat.utc),
    heatLocal: heatOption(answers.heat.local),
  };
}
