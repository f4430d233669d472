/**
 * The few statistics the benchmarks report. Medians and quartiles rather than means: on a shared,
 * noisy machine one slow outlier should move nothing.
 */

export interface Summary {
  n: number;
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
}

/** The p-quantile (0..1) by linear interpolation between the closest ranks. */
export function quantile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const below = Math.floor(rank);
  const above = Math.ceil(rank);
  const low = sorted[below] ?? Number.NaN;
  const high = sorted[above] ?? low;
  return low + (high - low) * (rank - below);
}

export const median = (samples: readonly number[]): number => quantile(samples, 0.5);

export function summarize(samples: readonly number[]): Summary {
  return {
    n: samples.length,
    median: median(samples),
    p25: quantile(samples, 0.25),
    p75: quantile(samples, 0.75),
    min: samples.length ? Math.min(...samples) : Number.NaN,
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

/**
 * Ratios measured side by side: each round ran both candidates back to back, so the per-round ratio
 * cancels the machine's drift; its median is the figure, its quartiles the spread.
 */
export function pairedRatios(numerators: readonly number[], denominators: readonly number[]): Summary {
  const ratios = numerators.flatMap((value, i) => {
    const base = denominators[i];
    return base !== undefined && base > 0 ? [value / base] : [];
  });
  return summarize(ratios);
}

export function pairedDifferences(minuends: readonly number[], subtrahends: readonly number[]): Summary {
  return summarize(minuends.flatMap((value, i) => (subtrahends[i] === undefined ? [] : [value - (subtrahends[i] ?? 0)])));
}

/** A number with sensible precision for a table: 3 significant digits, no exponent. */
export function round(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value === 0) return "0";
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, digits - 1 - magnitude);
  return value.toLocaleString("en-US", { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

/**
 * "12.3 ms (IQR 11.9–12.8, n=9)": the median with its spread. Few samples show the full range
 * instead, since quartiles of five numbers say little.
 */
export function formatSummary(summary: Summary, unit = ""): string {
  const suffix = unit ? ` ${unit}` : "";
  if (summary.n === 0) return "n/a";
  if (summary.n === 1) return `${round(summary.median)}${suffix}`;
  const [label, low, high] = summary.n < 10 ? ["range", summary.min, summary.max] : ["IQR", summary.p25, summary.p75];
  return `${round(summary.median)}${suffix} (${label} ${round(low)}–${round(high)}, n=${summary.n})`;
}

export function formatRatio(summary: Summary): string {
  if (summary.n === 0) return "n/a";
  return `${formatSummary(summary).replace(/^([\d.,]+)/, "$1×")}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
