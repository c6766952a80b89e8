// One-click review decisions on a post: uphold, overturn, or recategorize into another category
// of the closed set, with an optional note (POST /v1/reviews).
import { useState } from "preact/hooks";
import { CATEGORIES } from "../api";
import { tValue, useLang } from "../i18n";
import { useSession } from "../session";
import { ErrorBox } from "./Async";

export type Outcome = "uphold" | "overturn" | "recategorize";

export function Decide({ postId, onDone, idPrefix = "decide" }: { postId: string; onDone: (outcome: Outcome) => void; idPrefix?: string }) {
  const { t } = useLang();
  const { client } = useSession();
  const [note, setNote] = useState("");
  const [category, setCategory] = useState<string>(CATEGORIES[0]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const decide = async (outcome: Outcome) => {
    setBusy(true);
    setError(null);
    try {
      await client.review({
        post_id: postId,
        outcome,
        category: outcome === "recategorize" ? category : undefined,
        note: note || undefined,
      });
      setDone(t("decided", { outcome: tValue(t, "outcome_", outcome) }));
      setNote("");
      onDone(outcome);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card decide" aria-labelledby={`${idPrefix}-h`}>
      <h3 id={`${idPrefix}-h`}>{t("decide")}</h3>
      <div class="field">
        <label for={`${idPrefix}-note`}>{t("note")}</label>
        <input id={`${idPrefix}-note`} type="text" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <div class="buttons">
        <button type="button" class="primary" disabled={busy} onClick={() => decide("uphold")} aria-keyshortcuts="u">
          {t("uphold")} <kbd>u</kbd>
        </button>
        <button type="button" disabled={busy} onClick={() => decide("overturn")} aria-keyshortcuts="o">
          {t("overturn")} <kbd>o</kbd>
        </button>
      </div>
      <div class="buttons">
        <label for={`${idPrefix}-category`} class="inline">
          {t("new_category")}
        </label>
        <select id={`${idPrefix}-category`} data-recategorize value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {tValue(t, "cat_", c)}
            </option>
          ))}
        </select>
        <button type="button" disabled={busy} onClick={() => decide("recategorize")} aria-keyshortcuts="r">
          {t("recategorize")} <kbd>r</kbd>
        </button>
      </div>
      {done && (
        <p role="status" class="ok">
          {done}
        </p>
      )}
      {error != null && <ErrorBox error={error} />}
    </section>
  );
}

// Exposed for the queue's keyboard shortcuts: the buttons of the Decide panel, by outcome.
export function decideButton(root: ParentNode, outcome: Outcome): HTMLButtonElement | null {
  const key = outcome === "uphold" ? "u" : outcome === "overturn" ? "o" : "r";
  return root.querySelector(`.decide button[aria-keyshortcuts="${key}"]`);
}
