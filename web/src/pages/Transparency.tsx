// The transparency report (Santa Clara Principles numbers) for a period, as charts, with the
// same numbers as CSV to download (GET /v1/reports/transparency).
import { useState } from "preact/hooks";
import type { Transparency } from "../api";
import { ErrorBox, Loading, formatAge, useAsync } from "../components/Async";
import { BarChart, type Bar } from "../components/Charts";
import { tValue, useLang, type T } from "../i18n";
import { useSession } from "../session";

export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function categoryBars(r: Transparency, t: T): Bar[] {
  return Object.entries(r.actions_by_category)
    .map(([cat, byAction]) => ({
      label: tValue(t, "cat_", cat),
      value: Object.values(byAction).reduce((a, b) => a + b, 0),
    }))
    .sort((a, b) => b.value - a.value);
}

function recordBars(rec: Record<string, number>, t: T, prefix = ""): Bar[] {
  return Object.entries(rec)
    .map(([k, v]) => ({ label: prefix ? tValue(t, prefix, k) : k, value: v }))
    .sort((a, b) => b.value - a.value);
}

export function TransparencyPage() {
  const { t } = useLang();
  const { client } = useSession();
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 30 * 86400000)));
  const [to, setTo] = useState(isoDay(new Date(today.getTime() + 86400000)));
  const [period, setPeriod] = useState({ from, to });
  const report = useAsync(() => client.transparency(period.from, period.to), [period]);
  const [csvErr, setCsvErr] = useState<unknown>(null);

  const download = async () => {
    setCsvErr(null);
    try {
      const csv = await client.transparencyCsv(period.from, period.to);
      const url = URL.createObjectURL(new Blob([csv], { type: "text/csv" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = `tincay-transparency-${period.from}-${period.to}.csv`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (e) {
      setCsvErr(e);
    }
  };

  const r = report.data;
  return (
    <div class="page">
      <h1>{t("transparency_title")}</h1>
      <form
        class="filters card"
        onSubmit={(e) => {
          e.preventDefault();
          setPeriod({ from, to });
        }}
      >
        <div class="field">
          <label for="tr-from">{t("from")}</label>
          <input id="tr-from" type="date" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="tr-to">{t("to")}</label>
          <input id="tr-to" type="date" required value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </div>
        <button type="submit">{t("show")}</button>
        <button type="button" class="primary" onClick={download} disabled={!r}>
          {t("download_csv")}
        </button>
      </form>
      {csvErr != null && <ErrorBox error={csvErr} />}
      {report.loading && !r && <Loading />}
      {report.error != null && <ErrorBox error={report.error} onRetry={report.reload} />}
      {r && (
        <>
          <p class="muted">{t("period", { from: r.from, to: r.to })}</p>
          <div class="stats">
            <div class="stat" data-stat="decisions">
              <span class="stat-value">{r.decisions}</span>
              <span class="stat-label">{t("decisions_total")}</span>
            </div>
            <div class="stat" data-stat="automated">
              <span class="stat-value">{r.automated.total}</span>
              <span class="stat-label">{t("automated_total")}</span>
            </div>
            <div class="stat" data-stat="human">
              <span class="stat-value">{r.human.total}</span>
              <span class="stat-label">{t("human_total")}</span>
            </div>
            <div class="stat" data-stat="appeals">
              <span class="stat-value">{r.appeals.filed}</span>
              <span class="stat-label">{t("appeals_filed")}</span>
            </div>
            <div class="stat" data-stat="median">
              <span class="stat-value">{r.median_seconds_to_review === null ? "—" : formatAge(r.median_seconds_to_review)}</span>
              <span class="stat-label">{t("median_review")}</span>
            </div>
          </div>
          <div class="charts">
            <BarChart title={t("actions_by_category")} bars={categoryBars(r, t)} empty={t("chart_empty")} />
            <BarChart title={t("automated_by_action")} bars={recordBars(r.automated.by_action, t, "action_")} empty={t("chart_empty")} />
            <BarChart title={t("actions_by_detector")} bars={recordBars(r.actions_by_detector, t).slice(0, 12)} empty={t("chart_empty")} />
            <BarChart title={t("human_by_outcome")} bars={recordBars(r.human.by_outcome, t, "outcome_")} empty={t("chart_empty")} />
            <BarChart
              title={t("appeal_outcomes")}
              bars={[
                { label: tValue(t, "appeal_status_", "open"), value: r.appeals.open },
                { label: tValue(t, "appeal_status_", "upheld"), value: r.appeals.upheld },
                { label: tValue(t, "appeal_status_", "reversed"), value: r.appeals.reversed },
              ]}
              empty={t("chart_empty")}
            />
            <BarChart
              title={t("reversals")}
              bars={[
                { label: t("reversal_reviews"), value: r.reversals.review_overturned_or_recategorized },
                { label: t("reversal_appeals"), value: r.reversals.appeal_reversed },
              ]}
              empty={t("chart_empty")}
            />
          </div>
        </>
      )}
    </div>
  );
}
