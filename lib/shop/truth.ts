import { HERO_PRODUCT, HERO_SHADES, REGION_INFO, USD_PER_UNIT, type Region } from './catalog';
import type { CartEvent, OrderLine } from './generate';
import { emptyHeat, type Answers, type Period } from './questions';
import { localDayHour } from './time';

/**
 * The four answers computed from the store's own rows (the generator's, and rows a test inserted
 * later), with no warehouse, SQL or flow involved: what the pipeline's answers are checked against.
 */
export function groundTruth(lines: Iterable<OrderLine>, events: Iterable<CartEvent>, period: Period): Answers {
  const inPeriod = (at: number) => (period.from === undefined || at >= period.from) && (period.to === undefined || at < period.to);
  const isHero = (x: { product: string; shade: string }) => x.product === HERO_PRODUCT && (HERO_SHADES as readonly string[]).includes(x.shade);
  const shadeUnits = new Map<string, number>();
  const regions = new Map<string, { units: number; revenueUsd: number }>();
  const heat = { utc: emptyHeat(), local: emptyHeat() };
  for (const line of lines) {
    if (!inPeriod(line.at)) continue;
    if (line.category === 'foundation') {
      const r = regions.get(line.region) ?? { units: 0, revenueUsd: 0 };
      r.units += line.quantity;
      r.revenueUsd += line.quantity * line.unitPrice * USD_PER_UNIT[line.currency];
      regions.set(line.region, r);
    }
    if (!isHero(line)) continue;
    shadeUnits.set(line.shade, (shadeUnits.get(line.shade) ?? 0) + line.quantity);
    const utc = new Date(line.at);
    heat.utc[utc.getUTCDay()][utc.getUTCHours()] += line.quantity;
    const local = localDayHour(line.at, REGION_INFO[line.region].timeZone);
    heat.local[local.dow][local.hour] += line.quantity;
  }
  const shades = [...HERO_SHADES].sort().map((shade) => ({ shade, units: shadeUnits.get(shade) ?? 0 }));

  // a removal in the period of an item the same user had added before (at any time)
  const added = new Map<string, number>(); // region/customer/sku → first add
  const heroEvents = [...events].filter(isHero).sort((a, b) => a.at - b.at);
  const users = new Map<string, { region: Region; customerId: number; shades: Set<string>; last: number }>();
  for (const e of heroEvents) {
    const key = `${e.region}/${e.customerId}/${e.sku}`;
    if (e.action === 'add') {
      if (!added.has(key)) added.set(key, e.at);
    } else if (inPeriod(e.at) && (added.get(key) ?? Infinity) < e.at) {
      const userKey = `${e.region}/${e.customerId}`;
      const user = users.get(userKey) ?? { region: e.region, customerId: e.customerId, shades: new Set<string>(), last: 0 };
      user.shades.add(e.shade);
      user.last = Math.max(user.last, e.at);
      users.set(userKey, user);
    }
  }
  const list = [...users.values()]
    .sort((a, b) => b.last - a.last || a.region.localeCompare(b.region) || a.customerId - b.customerId)
    .map((u) => ({ region: u.region, customerId: u.customerId, shades: [...u.shades].sort().join(', '), lastRemovedAt: new Date(u.last).toISOString() }));
  return {
    shades,
    totalUnits: shades.reduce((sum, s) => sum + s.units, 0),
    regions: [...regions].map(([region, r]) => ({ region, units: r.units, revenueUsd: Math.round(r.revenueUsd * 100) / 100 })).sort((a, b) => b.units - a.units || a.region.localeCompare(b.region)),
    heat,
    cart: { users: list.length, list },
  };
}
