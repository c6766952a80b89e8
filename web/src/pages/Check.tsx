// Check before posting (POST /v1/check): the problems of a draft, each marked on the draft with
// a suggestion in the dashboard's language. Nothing is stored.
import { useState } from "preact/hooks";
import type { DraftCheck } from "../api";
import { ErrorBox, Loading } from "../components/Async";
import { Highlight } from "../components/Highlight";
import { tValue, useLang } from "../i18n";
import { useSession } from "../session";

export function CheckPage() {
  const { t, lang } = useLang();
  const { client } = useSession();
  const [text, setText] = useState("");
  const [sent, setSent] = useState("");
  const [result, setResult] = useState<DraftCheck | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const run = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setResult(await client.check(text, lang));
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
      <h1>{t("check_title")}</h1>
      <p class="muted" id="check-help">
        {t("check_help")}
      </p>
      <form onSubmit={run} class="card">
        <div class="field">
          <label for="check-text">{t("draft")}</label>
          <textarea id="check-text" rows={5} required aria-describedby="check-help" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary" disabled={busy || text.trim() === ""}>
          {t("check")}
        </button>
      </form>
      {busy && <Loading />}
      {error != null && <ErrorBox error={error} endpoint="POST /v1/check" />}
      {result && (
        <section class="card" aria-labelledby="check-result-h">
          <h2 id="check-result-h" role="status">
            {result.count === 0 ? t("no_problems") : t("problems", { n: result.count })}
          </h2>
          <Highlight text={sent} marks={result.problems.map((p) => ({ start: p.start, end: p.end, label: tValue(t, "cat_", p.category) }))} label={t("draft")} />
          <ul class="problems">
            {result.problems.map((p, i) => (
              <li key={i} data-category={p.category}>
                <strong>{tValue(t, "cat_", p.category)}</strong>: <q>{p.text}</q> — {p.suggestion}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
