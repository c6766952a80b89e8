// The rule playground (POST /v1/explain): paste a text, see every rule, personal-data detector,
// model and claim match that fires on it, with its spans marked, the normalized text the rules
// see, and the combined score per category against the flag threshold.
import { useState } from "preact/hooks";
import type { Explanation } from "../api";
import { ErrorBox, Loading } from "../components/Async";
import { Highlight } from "../components/Highlight";
import { tValue, useLang } from "../i18n";
import { useSession } from "../session";

export function PlaygroundPage() {
  const { t } = useLang();
  const { client } = useSession();
  const [text, setText] = useState("");
  const [sent, setSent] = useState("");
  const [result, setResult] = useState<Explanation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await client.explain(text));
      setSent(text);
    } catch (err) {
      setError(err);
      setResult(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="page">
      <h1>{t("playground_title")}</h1>
      <p class="muted" id="pg-help">
        {t("playground_help")}
      </p>
      <form onSubmit={run} class="card">
        <div class="field">
          <label for="pg-text">{t("text")}</label>
          <textarea id="pg-text" rows={5} required aria-describedby="pg-help" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary" disabled={busy || text.trim() === ""}>
          {t("explain")}
        </button>
      </form>
      {busy && <Loading />}
      {error != null && <ErrorBox error={error} endpoint="POST /v1/explain" />}
      {result && (
        <>
          <section class="card" aria-labelledby="pg-result-h">
            <h2 id="pg-result-h">
              {t("result_action", { action: tValue(t, "action_", result.action) })}{" "}
              <span class={`badge action-${result.action}`}>{tValue(t, "action_", result.action)}</span>
            </h2>
            <Highlight
              text={sent}
              marks={result.findings.flatMap((f) =>
                f.spans.map((s) => ({ start: s.start, end: s.end, label: `${f.detector} (${f.category})`, flagged: f.flagged })),
              )}
              label={t("text")}
            />
            <p class="muted small">{t("evidence_legend")}</p>
            <dl class="meta">
              <dt>{t("normalized")}</dt>
              <dd>
                <code data-testid="normalized">{result.normalized}</code>
              </dd>
              <dt>{t("shadow")}</dt>
              <dd>
                <code>{result.shadow}</code>
              </dd>
              <dt>{t("policy_version")}</dt>
              <dd>
                <code>{result.policy_version}</code>
              </dd>
            </dl>
          </section>
          <section class="card" aria-labelledby="pg-findings-h">
            <h2 id="pg-findings-h">{t("findings")}</h2>
            {result.findings.length === 0 ? (
              <p class="muted">{t("no_findings")}</p>
            ) : (
              <table class="findings">
                <thead>
                  <tr>
                    <th scope="col">{t("detector")}</th>
                    <th scope="col">{t("kind")}</th>
                    <th scope="col">{t("category")}</th>
                    <th scope="col">{t("score")}</th>
                    <th scope="col">{t("reason")}</th>
                    <th scope="col">{t("evidence")}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.findings.map((f, i) => (
                    <tr key={i} data-detector={f.detector} class={f.flagged ? "" : "weak"}>
                      <td>
                        <code>{f.detector}</code>
                      </td>
                      <td>{f.kind}</td>
                      <td>
                        {tValue(t, "cat_", f.category)} <span class="muted small">({f.flagged ? t("flagged") : t("below_threshold")})</span>
                      </td>
                      <td class="num">{f.score.toFixed(2)}</td>
                      <td>{f.reason}</td>
                      <td>
                        {f.spans.map((s, j) => (
                          <q key={j}>
                            {s.text} <span class="muted small">[{s.start}–{s.end})</span>
                          </q>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <h3>{t("combined_scores", { t: result.flag_threshold })}</h3>
            <ul class="scores">
              {Object.entries(result.scores).map(([cat, s]) => (
                <li key={cat}>
                  <meter min={0} max={1} low={result.flag_threshold} value={s} aria-label={tValue(t, "cat_", cat)} /> {tValue(t, "cat_", cat)}{" "}
                  {s.toFixed(2)}
                </li>
              ))}
            </ul>
          </section>
          {result.tokens.length > 0 && (
            <details class="card">
              <summary>{t("tokens")}</summary>
              <ol class="tokens">
                {result.tokens.map((tk, i) => (
                  <li key={i}>
                    <code>{tk.text}</code> → <code>{tk.normalized}</code> <span class="muted small">{tk.kind} {tk.flags?.join(" ")}</span>
                  </li>
                ))}
              </ol>
            </details>
          )}
        </>
      )}
    </div>
  );
}
