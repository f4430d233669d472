/**
 * What every section hands back, and how the report turns it into markdown. Sections written by
 * other people (likes, thumbnails) may return this shape, or any plain object: see `toSection`.
 */

export interface Row {
  /** What was measured, e.g. "API bundle size". */
  figure: string;
  /** The median with its spread, already formatted. */
  value: string;
  /** What it stands beside, formatted likewise. */
  baseline?: string;
  /** figure ÷ baseline, measured side by side in the same run. */
  ratio?: string;
  goal?: string;
}

/** A goal from the issue and whether this run met it; `gap` is how far off (1.25 = 25 % worse). */
export interface GoalCheck {
  goal: string;
  measured: string;
  met: boolean;
  gap: number;
}

export interface Section {
  title: string;
  rows: Row[];
  notes: string[];
  goals: GoalCheck[];
  /** Why the section could not run (yet): it then shows n/a with this reason. */
  unavailable?: string;
  seconds?: number;
}

export function unavailable(title: string, reason: string): Section {
  return { title, rows: [], notes: [], goals: [], unavailable: reason };
}

/**
 * The goal is met when `measured ≤ limit` (or ≥ with `atLeast`); the gap is how far past the limit, as
 * a ratio. Count goals ("0 errors") pass their own gap, since a ratio to zero says nothing.
 */
export function checkGoal(
  goal: string,
  measured: number,
  limit: number,
  format: (value: number) => string,
  options: { atLeast?: boolean; gap?: number } = {},
): GoalCheck {
  const met = Number.isFinite(measured) && (options.atLeast ? measured >= limit : measured <= limit);
  const ratio = options.atLeast ? limit / Math.max(measured, 1e-9) : measured / Math.max(limit, 1e-9);
  const gap = options.gap ?? (Number.isFinite(measured) ? ratio : Number.POSITIVE_INFINITY);
  return { goal, measured: format(measured), met, gap };
}

/**
 * Accepts a section's result in whatever shape its author chose: a `Section`-like object with `rows`,
 * an array of rows, a markdown string, or a flat object of figures (each key a row).
 */
export function toSection(title: string, result: unknown): Section {
  const section: Section = { title, rows: [], notes: [], goals: [] };
  if (typeof result === "string") {
    section.notes.push(result);
    return section;
  }
  if (Array.isArray(result)) {
    section.rows = result.map((entry, i) => toRow(String(i + 1), entry));
    return section;
  }
  if (result && typeof result === "object") {
    const record = result as Record<string, unknown>;
    if (Array.isArray(record.rows)) section.rows = record.rows.map((entry, i) => toRow(String(i + 1), entry));
    if (Array.isArray(record.notes)) section.notes = record.notes.map(String);
    if (Array.isArray(record.goals)) section.goals = record.goals.filter(isGoalCheck);
    if (typeof record.unavailable === "string") section.unavailable = record.unavailable;
    if (!Array.isArray(record.rows)) {
      for (const [key, value] of Object.entries(record)) {
        if (["notes", "goals", "unavailable", "title"].includes(key)) continue;
        section.rows.push(toRow(key, value));
      }
    }
    return section;
  }
  section.unavailable = `returned ${String(result)}`;
  return section;
}

function toRow(name: string, entry: unknown): Row {
  if (entry && typeof entry === "object" && !Array.isArray(entry)) {
    const record = entry as Record<string, unknown>;
    if ("figure" in record || "value" in record || "name" in record) {
      return {
        figure: String(record.figure ?? record.name ?? name),
        value: describe(record.value),
        baseline: record.baseline === undefined ? undefined : describe(record.baseline),
        ratio: record.ratio === undefined ? undefined : describe(record.ratio),
        goal: record.goal === undefined ? undefined : describe(record.goal),
      };
    }
  }
  return { figure: name, value: describe(entry) };
}

function describe(value: unknown): string {
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/\.?0+$/, "");
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function isGoalCheck(value: unknown): value is GoalCheck {
  const record = value as Partial<GoalCheck> | null;
  return !!record && typeof record.goal === "string" && typeof record.met === "boolean";
}

const cell = (text: string | undefined) => (text ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");

export function sectionMarkdown(section: Section): string {
  const lines = [`## ${section.title}`, ""];
  if (section.unavailable) {
    lines.push(`n/a: ${section.unavailable}`, "");
    return lines.join("\n");
  }
  if (section.rows.length > 0) {
    const withBaseline = section.rows.some((row) => row.baseline || row.ratio || row.goal);
    if (withBaseline) {
      lines.push("| figure | value | baseline | ratio | goal |", "|---|---|---|---|---|");
      for (const row of section.rows) lines.push(`| ${cell(row.figure)} | ${cell(row.value)} | ${cell(row.baseline)} | ${cell(row.ratio)} | ${cell(row.goal)} |`);
    } else {
      lines.push("| figure | value |", "|---|---|");
      for (const row of section.rows) lines.push(`| ${cell(row.figure)} | ${cell(row.value)} |`);
    }
    lines.push("");
  }
  for (const note of section.notes) lines.push(`- ${note}`);
  if (section.notes.length > 0) lines.push("");
  return lines.join("\n");
}

export function goalsMarkdown(sections: Section[]): string {
  const goals = sections.flatMap((section) => section.goals.map((goal) => ({ section: section.title, ...goal })));
  const lines = ["## Goals at a glance", ""];
  if (goals.length === 0) return [...lines, "No goal could be measured in this run.", ""].join("\n");
  lines.push("| section | goal | measured | met |", "|---|---|---|---|");
  for (const goal of goals) lines.push(`| ${cell(goal.section)} | ${cell(goal.goal)} | ${cell(goal.measured)} | ${goal.met ? "yes" : "**no**"} |`);
  const missed = goals.filter((goal) => !goal.met).sort((a, b) => b.gap - a.gap);
  const largest = missed[0];
  lines.push("");
  lines.push(
    largest
      ? `Largest gap: ${largest.section}, ${largest.goal}: measured ${largest.measured}` +
          (Number.isFinite(largest.gap) ? ` (${((largest.gap - 1) * 100).toFixed(0)} % past the goal).` : ".")
      : "Every measured goal is met.",
  );
  const notMeasured = sections.filter((section) => section.unavailable).map((section) => section.title);
  if (notMeasured.length > 0) lines.push("", `Not measured in this run: ${notMeasured.join(", ")} (see each section for why).`);
  lines.push("");
  return lines.join("\n");
}
