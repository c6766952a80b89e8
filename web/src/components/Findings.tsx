// The findings of a decision as a table: detector, category, score, reason and quoted evidence.
import type { Finding } from "../api";
import { tValue, useLang } from "../i18n";
import type { Mark } from "./Highlight";

export function findingMarks(findings: Finding[]): Mark[] {
  return findings.flatMap((f) =>
    (f.evidence ?? []).map((e) => ({ start: e.start, end: e.end, label: `${f.detector} (${f.category})` })),
  );
}

export function FindingsTable({ findings }: { findings: Finding[] }) {
  const { t } = useLang();
  if (findings.length === 0) return <p class="muted">{t("no_findings")}</p>;
  return (
    <table class="findings">
      <caption class="sr-only">{t("findings")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("detector")}</th>
          <th scope="col">{t("category")}</th>
          <th scope="col">{t("score")}</th>
          <th scope="col">{t("reason")}</th>
          <th scope="col">{t("evidence")}</th>
        </tr>
      </thead>
      <tbody>
        {findings.map((f, i) => (
          <tr key={i}>
            <td>
              <code>{f.detector}</code>
            </td>
            <td>{tValue(t, "cat_", f.category)}</td>
            <td class="num">{f.score.toFixed(2)}</td>
            <td>{f.reason}</td>
            <td>
              {(f.evidence ?? []).map((e, j) => (
                <q key={j}>{e.text}</q>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
