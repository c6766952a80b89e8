// Small SVG charts written for the dashboard: horizontal bars for a breakdown, lines for series
// over time buckets. Each chart has a title and a text alternative (role="img" + aria-label),
// and prints its values, so no number is shown by colour alone.

export interface Bar {
  label: string;
  value: number;
}

const kPalette = ["#0b5394", "#b45309", "#047857", "#9d174d", "#5b21b6", "#334155", "#a16207", "#0e7490"];

export function color(i: number): string {
  return kPalette[i % kPalette.length];
}

export function BarChart({ title, bars, empty }: { title: string; bars: Bar[]; empty: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const row = 26;
  const labelW = 230;
  const barW = 260;
  const height = Math.max(row, bars.length * row) + 4;
  const alt = bars.length === 0 ? `${title}: ${empty}` : `${title}: ${bars.map((b) => `${b.label} ${b.value}`).join(", ")}`;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {bars.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <svg role="img" aria-label={alt} viewBox={`0 0 ${labelW + barW + 60} ${height}`} width="100%" style={{ maxWidth: `${labelW + barW + 60}px` }}>
          {bars.map((b, i) => {
            const w = Math.max(1, (b.value / max) * barW);
            const y = i * row + 2;
            return (
              <g key={b.label} data-bar={b.label} data-value={b.value}>
                <text x={labelW - 8} y={y + 16} text-anchor="end" class="chart-label">
                  {b.label.length > 32 ? `${b.label.slice(0, 31)}…` : b.label}
                  <title>{`${b.label}: ${b.value}`}</title>
                </text>
                <rect x={labelW} y={y + 3} width={w} height={row - 8} fill={color(0)} rx="2" />
                <text x={labelW + w + 6} y={y + 16} class="chart-value">
                  {b.value}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}

export interface Series {
  name: string;
  values: (number | null)[];
}

// Lines over `labels` (one x per bucket); null values are gaps (withheld cells).
export function LineChart({ title, labels, series, empty }: { title: string; labels: string[]; series: Series[]; empty: string }) {
  const w = 640;
  const h = 220;
  const pad = { l: 40, r: 12, t: 10, b: 30 };
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...all);
  const x = (i: number) => pad.l + (labels.length <= 1 ? 0 : (i / (labels.length - 1)) * (w - pad.l - pad.r));
  const y = (v: number) => h - pad.b - (v / max) * (h - pad.t - pad.b);
  const alt = `${title}: ${series
    .map((s) => `${s.name} ${s.values.map((v) => (v === null ? "–" : v)).join(" ")}`)
    .join("; ")}`;
  const step = Math.max(1, Math.ceil(labels.length / 6));
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      {all.length === 0 ? (
        <p class="muted">{empty}</p>
      ) : (
        <>
          <svg role="img" aria-label={alt} viewBox={`0 0 ${w} ${h}`} width="100%" style={{ maxWidth: `${w}px` }}>
            <line x1={pad.l} y1={h - pad.b} x2={w - pad.r} y2={h - pad.b} class="axis" />
            <line x1={pad.l} y1={pad.t} x2={pad.l} y2={h - pad.b} class="axis" />
            <text x={pad.l - 4} y={pad.t + 8} text-anchor="end" class="chart-label">
              {max}
            </text>
            <text x={pad.l - 4} y={h - pad.b} text-anchor="end" class="chart-label">
              0
            </text>
            {labels.map((l, i) =>
              i % step === 0 ? (
                <text key={l} x={x(i)} y={h - 10} text-anchor="middle" class="chart-label">
                  {l}
                </text>
              ) : null,
            )}
            {series.map((s, si) => {
              // Split at nulls so a withheld cell is a gap, not a drop to zero.
              const runs: string[] = [];
              let run: string[] = [];
              s.values.forEach((v, i) => {
                if (v === null) {
                  if (run.length) runs.push(run.join(" "));
                  run = [];
                } else {
                  run.push(`${x(i)},${y(v)}`);
                }
              });
              if (run.length) runs.push(run.join(" "));
              return (
                <g key={s.name} data-series={s.name}>
                  {runs.map((pts, ri) => (
                    <polyline key={ri} points={pts} fill="none" stroke={color(si)} stroke-width="2" />
                  ))}
                  {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r="2.5" fill={color(si)} />))}
                </g>
              );
            })}
          </svg>
          <ul class="legend">
            {series.map((s, si) => (
              <li key={s.name}>
                <span class="swatch" style={{ background: color(si) }} aria-hidden="true" />
                {s.name}
              </li>
            ))}
          </ul>
        </>
      )}
    </figure>
  );
}
