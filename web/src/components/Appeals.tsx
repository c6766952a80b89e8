// An appeal list with the resolve controls a reviewer sees on open appeals (POST
// /v1/appeals/{id}/resolve); shared by the post detail and the appeals page.
import { useId, useState } from "preact/hooks";
import type { Appeal } from "../api";
import { tValue, useLang } from "../i18n";
import { navigate } from "../router";
import { useSession } from "../session";
import { ErrorBox } from "./Async";

export function ResolveAppeal({ appeal, onResolved }: { appeal: Appeal; onResolved?: () => void }) {
  const { t } = useLang();
  const { client } = useSession();
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const resolve = async (outcome: "upheld" | "reversed") => {
    setBusy(true);
    setError(null);
    try {
      const r = await client.resolveAppeal(appeal.id, { outcome, note: note || undefined });
      setDone(t("appeal_resolved", { id: r.id, status: tValue(t, "appeal_status_", r.status) }));
      onResolved?.();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  // useId: the same appeal may show twice on a page (open list and a post's appeals).
  const noteId = `resolve-note-${appeal.id}-${useId()}`;
  return (
    <div class="resolve" aria-label={`${t("resolve")} #${appeal.id}`} role="group">
      <div class="field">
        <label for={noteId}>{t("resolution_note")}</label>
        <input id={noteId} type="text" value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </div>
      <div class="buttons">
        <button type="button" disabled={busy} onClick={() => resolve("upheld")}>
          {t("upheld")}
        </button>
        <button type="button" disabled={busy} onClick={() => resolve("reversed")}>
          {t("reversed")}
        </button>
      </div>
      {done && (
        <p role="status" class="ok">
          {done}
        </p>
      )}
      {error != null && <ErrorBox error={error} />}
    </div>
  );
}

// `showPost`: each appeal links to its post (the appeals work queue lists many posts' appeals).
export function AppealList({
  appeals,
  onResolved,
  showPost = false,
}: {
  appeals: Appeal[];
  onResolved?: () => void;
  showPost?: boolean;
}) {
  const { t } = useLang();
  const { role } = useSession();
  if (appeals.length === 0) return <p class="muted">{t("no_appeals")}</p>;
  return (
    <ul class="appeals">
      {appeals.map((a) => (
        <li key={a.id} class="card" data-appeal-id={a.id} data-appeal-status={a.status}>
          <p>
            <strong>#{a.id}</strong> <span class={`badge appeal-${a.status}`}>{tValue(t, "appeal_status_", a.status)}</span>{" "}
            <span class="muted">
              {t("filed_at")} {a.filed_at}
            </span>
            {showPost && (
              <>
                {" · "}
                <a
                  href={`/posts/${encodeURIComponent(a.post_id)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/posts/${encodeURIComponent(a.post_id)}`);
                  }}
                >
                  <code>{a.post_id}</code>
                </a>
              </>
            )}
          </p>
          {a.reason && <p class="quote">{a.reason}</p>}
          {a.status !== "open" && (
            <p class="muted">
              {t("reviewer_key", { id: a.resolver_key_id ?? "?" })} · {a.resolved_at} {a.resolution_note && `· ${a.resolution_note}`}
            </p>
          )}
          {a.status === "open" && role === "reviewer" && <ResolveAppeal appeal={a} onResolved={onResolved} />}
        </li>
      ))}
    </ul>
  );
}

