// Trends (GET /v1/trends): volume and flagged categories over time, top phrases, topics and
// emerging issues — aggregates only; cells with too few distinct authors come back null and are
// drawn as gaps, never as zeros.
import { useState } from "preact/hooks";
import type { Cell, Trends } from "../api";
import { ErrorBox, Loading, useAsync } from "../components/Async";
import { BarChart, LineChart } from "../components/Charts";
import { tValue, useLang } from "../i18n";
import { useSession } from "../session";

export function bucketLabel(iso: string, bucket: string): string {
  return bucket === "hour" ? iso.slice(5, 13).replace("T", " ") + "h" : iso.slice(5, 10);
}

export function hasData(cells: Cell[]): boolean {
  return cells.some((c) => c !== null && c > 0);
}

export function TrendsPage() {
  const { t } = useLang();
  const { client } = useSession();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [bucket, setBucket] = useState("day");
  const [query, setQuery] = useState<Record<string, string>>({});
  const trends = useAsync(() => client.trends(query), [query]);
  const r: Trends | undefined = trends.data;
  const labels = r ? r.buckets.map((b) => bucketLabel(b, r.bucket)) : [];
  const withheld = r ? (r.suppressed.cells ?? 0) + (r.suppressed.phrases ?? 0) + (r.suppressed.topics ?? 0) : 0;

  return (
    <div class="page">
      <h1>{t("trends_title")}</h1>
      <form
        class="filters card"
        onSubmit={(e) => {
          e.preventDefault();
          const q: Record<string, string> = { bucket };
          if (from) q.from = from;
          if (to) q.to = to;
          setQuery(q);
        }}
      >
        <div class="field">
          <label for="tr-from">{t("from")}</label>
          <input id="tr-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="tr-to">{t("to")}</label>
          <input id="tr-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="tr-bucket">{t("bucket")}</label>
          <select id="tr-bucket" value={bucket} onChange={(e) => setBucket(e.currentTarget.value)}>
            <option value="day">{t("bucket_day")}</option>
            <option value="hour">{t("bucket_hour")}</option>
          </select>
        </div>
        <button type="submit">{t("show")}</button>
      </form>
      {trends.loading && !r && <Loading />}
      {trends.error != null && <ErrorBox error={trends.error} endpoint="GET /v1/trends" onRetry={trends.reload} />}
      {r && (
        <>
          <p class="muted">
            {t("period", { from: r.from, to: r.to })} · {t("k_anon", { k: r.k, n: withheld })}
          </p>
          <div class="charts">
            <LineChart
              title={t("volume")}
              labels={labels}
              series={[
                { name: t("posts"), values: r.volume.total },
                ...r.volume.platforms.filter((p) => hasData(p.posts)).map((p) => ({ name: p.platform || "?", values: p.posts })),
              ]}
              empty={t("no_data")}
            />
            <LineChart
              title={t("categories_over_time")}
              labels={labels}
              series={r.categories.filter((c) => hasData(c.posts)).map((c) => ({ name: tValue(t, "cat_", c.category), values: c.posts }))}
              empty={t("no_data")}
            />
            {r.emotions.length > 0 && (
              <BarChart
                title={`${t("emotions")}${r.emotion_model ? ` (${r.emotion_model})` : ""}`}
                bars={r.emotions.filter((e) => e.total !== null).map((e) => ({ label: e.label, value: e.total ?? 0 }))}
                empty={t("no_data")}
              />
            )}
            <BarChart
              title={t("top_phrases")}
              bars={r.phrases.slice(0, 15).map((p) => ({ label: p.phrase, value: p.posts }))}
              empty={t("no_data")}
            />
          </div>
          <section class="card" aria-labelledby="emerging-h">
            <h2 id="emerging-h">{t("emerging")}</h2>
            {r.emerging.length === 0 ? (
              <p class="muted">{t("no_emerging")}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("phrase")}</th>
                    <th scope="col">{t("started")}</th>
                    <th scope="col">{t("posts")}</th>
                    <th scope="col">{t("baseline")}</th>
                    <th scope="col">{t("z")}</th>
                  </tr>
                </thead>
                <tbody>
                  {r.emerging.map((e) => (
                    <tr key={`${e.phrase}-${e.started_at}`}>
                      <td>{e.phrase}</td>
                      <td>{e.started_at}</td>
                      <td class="num">{e.posts}</td>
                      <td class="num">{e.baseline.toFixed(1)}</td>
                      <td class="num">{e.z.toFixed(1)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {Object.keys(r.methods).length > 0 && (
            <details class="card">
              <summary>{t("methods")}</summary>
              <dl class="meta">
                {Object.entries(r.methods).flatMap(([k, v]) => [<dt key={`${k}-t`}>{k}</dt>, <dd key={`${k}-d`}>{v}</dd>])}
              </dl>
            </details>
          )}
          {r.topics.length > 0 && (
            <section class="card" aria-labelledby="topics-h">
              <h2 id="topics-h">{t("topics")}</h2>
              <ul>
                {r.topics.map((tp) => (
                  <li key={tp.id}>
                    <strong>{tp.label}</strong> {tp.posts !== null && <span class="muted">({tp.posts} {t("posts")})</span>}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </div>
  );
}
