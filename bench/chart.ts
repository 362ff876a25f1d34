/**
 * A small SVG line-chart writer for bench results: one or more panels side by side, each with its
 * own axes (linear or logarithmic), and one legend for all of them. A series keeps its colour in
 * every panel, so "Hovor" in the latency panel and "Hovor" in the throughput panel read as one.
 *
 * @example
 * writeFileSync('out.svg', renderChart({
 *   title: 'Messages',
 *   panels: [{
 *     title: 'ack p99',
 *     x: { label: 'offered (msg/s)', scale: 'log' },
 *     y: { label: 'ms', scale: 'log' },
 *     series: [{ name: 'Hovor', points: [[100, 12], [250, 40]] }],
 *   }],
 * }));
 */

export interface ChartSeries {
  name: string;
  points: ReadonlyArray<readonly [x: number, y: number]>;
  /** A CSS colour; by default the next colour of the palette for each new name. */
  color?: string;
  /** A dashed line without markers, for a reference such as "goodput = offered". */
  isReference?: boolean;
}

export interface ChartAxis {
  label: string;
  scale: 'linear' | 'log';
  /** The range shown; from the data when absent (a linear axis starts at 0). */
  min?: number;
  max?: number;
}

export interface ChartPanel {
  title: string;
  x: ChartAxis;
  y: ChartAxis;
  series: readonly ChartSeries[];
  /** Horizontal lines with a label, e.g. a latency target. */
  guides?: ReadonlyArray<{ y: number; label: string }>;
}

export interface ChartOptions {
  title: string;
  /** A smaller line under the title (machine, date). */
  subtitle?: string;
  panels: readonly ChartPanel[];
  panelWidth?: number;
  panelHeight?: number;
}

const PALETTE = ['#d1495b', '#00798c', '#edae49', '#30638e', '#66a182', '#8d6a9f'];
const REFERENCE_COLOR = '#888888';
const GRID_COLOR = '#e4e4e4';
const AXIS_COLOR = '#333333';
const FONT = 'font-family="system-ui, sans-serif"';
/** Space around each panel's plot area, in px: room for tick labels and axis titles. */
const MARGIN = { left: 70, right: 20, top: 34, bottom: 50 };
/** Height of the title block and of the legend row above the panels, in px. */
const TITLE_HEIGHT = 48;
const LEGEND_HEIGHT = 28;
const LEGEND_ENTRY_WIDTH = 190;
const DEFAULT_PANEL_WIDTH = 480;
const DEFAULT_PANEL_HEIGHT = 340;
/** About how many ticks a linear axis gets. */
const LINEAR_TICKS = 5;
/** A log axis spanning more decades than this labels only the powers of ten. */
const MAX_DECADES_WITH_MINOR_TICKS = 3;
const MARKER_RADIUS = 3;

interface Scale {
  toPixel(value: number): number;
  ticks: number[];
}

/** Renders the chart as a standalone SVG document. */
export function renderChart(options: ChartOptions): string {
  const width = options.panelWidth ?? DEFAULT_PANEL_WIDTH;
  const height = options.panelHeight ?? DEFAULT_PANEL_HEIGHT;
  const colors = assignColors(options.panels);
  const top = TITLE_HEIGHT + LEGEND_HEIGHT;
  const totalWidth = width * options.panels.length;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${totalWidth}" height="${top + height}" viewBox="0 0 ${totalWidth} ${top + height}">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(totalWidth / 2, 22, options.title, { size: 16, anchor: 'middle', weight: 'bold' }),
    options.subtitle ? text(totalWidth / 2, 40, options.subtitle, { size: 11, anchor: 'middle' }) : '',
    legend(options.panels, colors, totalWidth, TITLE_HEIGHT + LEGEND_HEIGHT / 2),
    ...options.panels.map((panel, i) => renderPanel(panel, colors, i * width, top, width, height)),
    '</svg>',
  ];
  return `${parts.filter(Boolean).join('\n')}\n`;
}

/** The same colour for the same series name in every panel. */
function assignColors(panels: readonly ChartPanel[]): Map<string, string> {
  const colors = new Map<string, string>();
  for (const series of panels.flatMap((panel) => panel.series)) {
    if (colors.has(series.name)) continue;
    const color =
      series.color ?? (series.isReference ? REFERENCE_COLOR : PALETTE[colors.size % PALETTE.length]!);
    colors.set(series.name, color);
  }
  return colors;
}

function legend(
  panels: readonly ChartPanel[],
  colors: Map<string, string>,
  width: number,
  y: number,
): string {
  const entries = new Map<string, boolean>();
  for (const series of panels.flatMap((panel) => panel.series))
    entries.set(series.name, !!series.isReference);
  const left = (width - entries.size * LEGEND_ENTRY_WIDTH) / 2;
  return [...entries]
    .map(([name, isReference], i) => {
      const x = left + i * LEGEND_ENTRY_WIDTH;
      const color = colors.get(name)!;
      return [
        line(x, y, x + 28, y, color, isReference),
        isReference ? '' : circle(x + 14, y, color),
        text(x + 34, y + 4, name, { size: 12 }),
      ].join('');
    })
    .join('\n');
}

function renderPanel(
  panel: ChartPanel,
  colors: Map<string, string>,
  left: number,
  top: number,
  width: number,
  height: number,
): string {
  const plot = {
    left: left + MARGIN.left,
    right: left + width - MARGIN.right,
    top: top + MARGIN.top,
    bottom: top + height - MARGIN.bottom,
  };
  const usable = (axis: ChartAxis) => (value: number) =>
    Number.isFinite(value) && (axis.scale === 'linear' || value > 0);
  const xs = panel.series.flatMap((s) => s.points.map((p) => p[0])).filter(usable(panel.x));
  const ys = [
    ...panel.series.flatMap((s) => s.points.map((p) => p[1])),
    ...(panel.guides ?? []).map((g) => g.y),
  ].filter(usable(panel.y));
  const xScale = makeScale(panel.x, xs, plot.left, plot.right);
  const yScale = makeScale(panel.y, ys, plot.bottom, plot.top);
  const parts: string[] = [
    text((plot.left + plot.right) / 2, top + 20, panel.title, { size: 13, anchor: 'middle', weight: 'bold' }),
  ];

  for (const tick of xScale.ticks) {
    const x = xScale.toPixel(tick);
    parts.push(line(x, plot.top, x, plot.bottom, GRID_COLOR));
    parts.push(text(x, plot.bottom + 16, formatNumber(tick), { size: 11, anchor: 'middle' }));
  }
  for (const tick of yScale.ticks) {
    const y = yScale.toPixel(tick);
    parts.push(line(plot.left, y, plot.right, y, GRID_COLOR));
    parts.push(text(plot.left - 6, y + 4, formatNumber(tick), { size: 11, anchor: 'end' }));
  }
  parts.push(
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="${AXIS_COLOR}"/>`,
    text((plot.left + plot.right) / 2, plot.bottom + 38, panel.x.label, { size: 12, anchor: 'middle' }),
    verticalText(left + 16, (plot.top + plot.bottom) / 2, panel.y.label),
  );
  for (const guide of panel.guides ?? []) {
    if (!usable(panel.y)(guide.y)) continue;
    const y = yScale.toPixel(guide.y);
    parts.push(line(plot.left, y, plot.right, y, AXIS_COLOR, true));
    parts.push(text(plot.left + 4, y + 14, guide.label, { size: 11 }));
  }
  for (const series of panel.series) {
    const points = series.points
      .filter(([x, y]) => usable(panel.x)(x) && usable(panel.y)(y))
      .map(([x, y]) => [xScale.toPixel(x), yScale.toPixel(y)] as const);
    const color = colors.get(series.name)!;
    if (points.length > 1) {
      const dash = series.isReference ? ' stroke-dasharray="6 4"' : '';
      const path = points.map(([x, y]) => `${round(x)},${round(y)}`).join(' ');
      parts.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    }
    if (!series.isReference) parts.push(...points.map(([x, y]) => circle(x, y, color)));
  }
  return parts.join('\n');
}

/** Maps values to pixels between `from` (the axis minimum) and `to` (its maximum). */
function makeScale(axis: ChartAxis, values: readonly number[], from: number, to: number): Scale {
  const dataLow = values.length > 0 ? Math.min(...values) : 1;
  const dataHigh = values.length > 0 ? Math.max(...values) : 1;
  if (axis.scale === 'log') {
    const low = axis.min ?? 10 ** Math.floor(Math.log10(dataLow));
    const high = Math.max(axis.max ?? 10 ** Math.ceil(Math.log10(dataHigh)), low * 10);
    const [a, b] = [Math.log10(low), Math.log10(high)];
    return {
      toPixel: (value) => from + ((Math.log10(clamp(value, low, high)) - a) / (b - a)) * (to - from),
      ticks: logTicks(low, high),
    };
  }
  const low = axis.min ?? 0;
  const step = niceStep(Math.max((axis.max ?? dataHigh) - low, Number.EPSILON));
  const high = axis.max ?? low + Math.max(1, Math.ceil((dataHigh - low) / step)) * step;
  const ticks: number[] = [];
  for (let tick = low; tick <= high + step / 1e6; tick += step) ticks.push(tick);
  return { toPixel: (value) => from + ((clamp(value, low, high) - low) / (high - low)) * (to - from), ticks };
}

/** 1, 2, 5 of each decade; only the powers of ten when the axis spans many decades. */
function logTicks(low: number, high: number): number[] {
  const decades = Math.log10(high / low);
  const multiples = decades > MAX_DECADES_WITH_MINOR_TICKS ? [1] : [1, 2, 5];
  const ticks: number[] = [];
  for (let power = Math.log10(low); power <= Math.log10(high) + 1e-9; power++) {
    for (const m of multiples) {
      const tick = m * 10 ** power;
      if (tick >= low * (1 - 1e-9) && tick <= high * (1 + 1e-9)) ticks.push(tick);
    }
  }
  return ticks;
}

/** A round step (1, 2 or 5 times a power of ten) giving about LINEAR_TICKS ticks over `span`. */
function niceStep(span: number): number {
  const raw = span / LINEAR_TICKS;
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return multiple * power;
}

/** 1500 → "1.5k", 2000000 → "2M", 0.5 → "0.5". */
function formatNumber(value: number): string {
  const units: Array<[number, string]> = [
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  }
  return String(Number(value.toPrecision(3)));
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
const round = (n: number) => Math.round(n * 10) / 10;

function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function text(
  x: number,
  y: number,
  content: string,
  style: { size: number; anchor?: 'start' | 'middle' | 'end'; weight?: 'bold' },
): string {
  const weight = style.weight ? ` font-weight="${style.weight}"` : '';
  return `<text x="${round(x)}" y="${round(y)}" ${FONT} font-size="${style.size}" text-anchor="${style.anchor ?? 'start'}"${weight} fill="${AXIS_COLOR}">${escapeXml(content)}</text>`;
}

function verticalText(x: number, y: number, content: string): string {
  return `<text transform="translate(${round(x)} ${round(y)}) rotate(-90)" ${FONT} font-size="12" text-anchor="middle" fill="${AXIS_COLOR}">${escapeXml(content)}</text>`;
}

function line(x1: number, y1: number, x2: number, y2: number, color: string, isDashed = false): string {
  const dash = isDashed ? ' stroke-dasharray="6 4"' : '';
  return `<line x1="${round(x1)}" y1="${round(y1)}" x2="${round(x2)}" y2="${round(y2)}" stroke="${color}"${dash}/>`;
}

function circle(x: number, y: number, color: string): string {
  return `<circle cx="${round(x)}" cy="${round(y)}" r="${MARKER_RADIUS}" fill="${color}"/>`;
}
