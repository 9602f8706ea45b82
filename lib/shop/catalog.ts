/**
 * The online store of the seed (../shared/seed): what it sells, where, in which currency and time
 * zone. One source for the generator, the shipped flow's normalization and the Questions page.
 */

export const REGIONS = ['europe', 'asia', 'africa', 'north-america'] as const;
export type Region = (typeof REGIONS)[number];

export interface RegionInfo {
  readonly label: string;
  /** IANA time zone its customers (and its database's local times) live in. */
  readonly timeZone: string;
  /** Its database's prices are in this currency. */
  readonly currency: string;
  /** How much it sells, relative to the average region: the regions are not alike. */
  readonly volume: number;
}

export const REGION_INFO: Record<Region, RegionInfo> = {
  europe: { label: 'Europe', timeZone: 'Europe/Paris', currency: 'EUR', volume: 1.1 },
  asia: { label: 'Asia', timeZone: 'Asia/Tokyo', currency: 'JPY', volume: 0.95 },
  africa: { label: 'Africa', timeZone: 'Africa/Lagos', currency: 'NGN', volume: 0.7 },
  'north-america': { label: 'North America', timeZone: 'America/New_York', currency: 'USD', volume: 1.25 },
};

/** US dollars per unit of each currency: the rate table the flow converts with (a fixed table, as a finance team publishes one per period). */
export const USD_PER_UNIT: Record<string, number> = { EUR: 1.08, JPY: 0.0067, NGN: 0.00065, USD: 1 };

/** The product the executives ask about, and the five shades they name. */
export const HERO_PRODUCT = "PRO FILT'R Hydrating Longwear Foundation";
export const HERO_SHADES = ['#110', '#150', '#160', '#255', '#490'] as const;

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly category: 'foundation' | 'lip' | 'highlighter' | 'primer' | 'concealer';
  /** Price in US dollars; each region's database holds it in its own currency. */
  readonly usd: number;
  /** Shades it comes in; empty for a product without shades. */
  readonly shades: readonly string[];
  /** How often it is bought, relative to the others. */
  readonly weight: number;
}

const FOUNDATION_SHADES = [
  '#100', '#110', '#120', '#130', '#140', '#150', '#160', '#170', '#175', '#185', '#190', '#200', '#210', '#220', '#230', '#235',
  '#240', '#250', '#255', '#260', '#270', '#280', '#290', '#300', '#310', '#320', '#330', '#340', '#350', '#360', '#370', '#385',
  '#390', '#400', '#410', '#420', '#430', '#440', '#445', '#450', '#460', '#470', '#480', '#490', '#495', '#498',
];

export const PRODUCTS: readonly Product[] = [
  { sku: 'PF-HLF', name: HERO_PRODUCT, category: 'foundation', usd: 40, shades: FOUNDATION_SHADES, weight: 30 },
  { sku: 'PF-SMF', name: "PRO FILT'R Soft Matte Longwear Foundation", category: 'foundation', usd: 40, shades: FOUNDATION_SHADES, weight: 20 },
  { sku: 'EM-SF', name: 'Eaze Drop Blurring Skin Tint', category: 'foundation', usd: 34, shades: ['1', '3', '5', '7', '9', '11', '13', '15', '17', '19', '21', '23', '25'], weight: 10 },
  { sku: 'GB-ULL', name: 'Gloss Bomb Universal Lip Luminizer', category: 'lip', usd: 21, shades: ['Fenty Glow', 'Fu$$y', 'Hot Chocit', 'Cheeky'], weight: 18 },
  { sku: 'KW-FH', name: 'Killawatt Freestyle Highlighter', category: 'highlighter', usd: 38, shades: ['Trophy Wife', 'Mean Money', 'Hu$tla Baby'], weight: 8 },
  { sku: 'PF-IRP', name: "PRO FILT'R Instant Retouch Primer", category: 'primer', usd: 34, shades: [], weight: 8 },
  { sku: 'PF-IRC', name: "PRO FILT'R Instant Retouch Concealer", category: 'concealer', usd: 27, shades: ['110', '150', '210', '290', '385', '490'], weight: 6 },
];

/** A shade's stock-keeping unit: the product's, with the shade's digits. */
export const skuOf = (product: Product, shade: string) => (shade ? `${product.sku}-${shade.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}` : product.sku);

/** A USD price in a currency, as the regional shop lists it: whole yen and naira, cents elsewhere. */
export function localPrice(usd: number, currency: string): number {
  const local = usd / USD_PER_UNIT[currency];
  return currency === 'JPY' || currency === 'NGN' ? Math.round(local / 10) * 10 : Math.round(local * 100) / 100;
}
