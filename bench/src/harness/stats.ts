/** The location and spread of a set of samples, in the unit they were given in. */
export interface Summary {
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

/** The `q`-quantile (0..1) of sorted values, interpolated linearly between order statistics. */
function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (position - low);
}

/** Median, quartiles and p99 of `samples` (not modified). */
export function summarise(samples: readonly number[]): Summary {
  const sorted = Float64Array.from(samples).sort();
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    p99: quantile(sorted, 0.99),
    min: sorted.length === 0 ? Number.NaN : (sorted[0] as number),
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
    count: sorted.length,
  };
}

/** Every value of `summary` multiplied by `factor` (unit conversion). */
export function scaled(summary: Summary, factor: number): Summary {
  return {
    median: summary.median * factor,
    p25: summary.p25 * factor,
    p75: summary.p75 * factor,
    p99: summary.p99 * factor,
    min: summary.min * factor,
    max: summary.max * factor,
    count: summary.count,
  };
}
