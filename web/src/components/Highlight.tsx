// The original text with the evidence spans marked. Spans count Unicode code points, as the
// API's do; overlapping spans split the text at every boundary and a piece is marked when any
// span covers it (its title names them all).
import { codePoints } from "../api";

export interface Mark {
  start: number;
  end: number;
  label: string; // detector and category, shown on hover and read by screen readers
  flagged?: boolean;
}

export function segments(text: string, marks: Mark[]): { text: string; labels: string[]; flagged: boolean }[] {
  const cps = codePoints(text);
  const cuts = new Set<number>([0, cps.length]);
  const valid = marks.filter((m) => m.start >= 0 && m.end <= cps.length && m.start < m.end);
  for (const m of valid) {
    cuts.add(m.start);
    cuts.add(m.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: { text: string; labels: string[]; flagged: boolean }[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    const covering = valid.filter((m) => m.start <= a && m.end >= b);
    out.push({
      text: cps.slice(a, b).join(""),
      labels: [...new Set(covering.map((m) => m.label))],
      flagged: covering.some((m) => m.flagged !== false),
    });
  }
  return out;
}

export function Highlight({ text, marks, label }: { text: string; marks: Mark[]; label?: string }) {
  return (
    <p class="post-text" aria-label={label}>
      {segments(text, marks).map((s, i) =>
        s.labels.length === 0 ? (
          <span key={i}>{s.text}</span>
        ) : (
          <mark key={i} class={s.flagged ? "evidence" : "evidence weak"} title={s.labels.join(", ")} data-evidence={s.labels.join(", ")}>
            {s.text}
          </mark>
        ),
      )}
    </p>
  );
}
