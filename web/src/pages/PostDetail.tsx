// One post: its text with the evidence marked, the findings, the near-duplicate cluster it
// belongs to, the fact-checked claims it matched, the statement of reasons, reviews and appeals.
import { useState } from "preact/hooks";
import type { Claim, Finding } from "../api";
import { ErrorBox, Loading, useAsync } from "../components/Async";
import { Decide } from "../components/Decide";
import { FindingsTable, findingMarks } from "../components/Findings";
import { Highlight } from "../components/Highlight";
import { Statement } from "../components/Statement";
import { tValue, useLang } from "../i18n";
import { navigate } from "../router";
import { useSession } from "../session";
import { AppealList } from "../components/Appeals";

export function clusterFindings(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.detector.startsWith("dup:"));
}

export function claimFindings(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.detector.startsWith("claim:"));
}

export function PostDetailPage({ id }: { id: string }) {
  const { t } = useLang();
  const { client } = useSession();
  const post = useAsync(() => client.post(id), [id]);
  const claims = useAsync<Claim[]>(async () => {
    try {
      return (await client.claims()).claims;
    } catch {
      return [];
    }
  }, []);
  const [appealReason, setAppealReason] = useState("");
  const [appealMsg, setAppealMsg] = useState<string | null>(null);
  const [appealErr, setAppealErr] = useState<unknown>(null);

  if (post.loading && !post.data) return <Loading />;
  if (post.error != null) return <ErrorBox error={post.error} onRetry={post.reload} />;
  if (!post.data) return null;
  const { post: p, decision, reviews, appeals } = post.data;
  const findings = decision?.findings ?? [];
  const cluster = clusterFindings(findings);
  const matched = claimFindings(findings);

  const fileAppeal = async (e: Event) => {
    e.preventDefault();
    setAppealErr(null);
    try {
      const r = await client.fileAppeal({ post_id: p.id, reason: appealReason || undefined });
      setAppealMsg(t("appeal_filed", { id: r.id }));
      setAppealReason("");
      post.reload();
    } catch (err) {
      setAppealErr(err);
    }
  };

  return (
    <div class="page">
      <p>
        <a
          href="/queue"
          onClick={(e) => {
            e.preventDefault();
            navigate("/queue");
          }}
        >
          ← {t("back_to_queue")}
        </a>
      </p>
      <h1>{t("post_title", { id: p.id })}</h1>
      <dl class="meta">
        <dt>{t("platform")}</dt>
        <dd>{p.platform || "—"}</dd>
        <dt>{t("created_at")}</dt>
        <dd>{p.created_at || "—"}</dd>
        <dt>{t("decided_at")}</dt>
        <dd>{post.data.decided_at}</dd>
        {decision && (
          <>
            <dt>{t("action")}</dt>
            <dd>
              <span class={`badge action-${decision.action}`}>{tValue(t, "action_", decision.action)}</span>
            </dd>
            <dt>{t("policy_version")}</dt>
            <dd>
              <code>{decision.policy_version}</code>
            </dd>
          </>
        )}
      </dl>
      <section class="card" aria-labelledby="text-h">
        <h2 id="text-h">{t("text")}</h2>
        <Highlight text={p.text} marks={findingMarks(findings)} />
        <p class="muted small">{t("evidence_legend")}</p>
      </section>
      <section class="card" aria-labelledby="findings-h">
        <h2 id="findings-h">{t("findings")}</h2>
        <FindingsTable findings={findings} />
      </section>
      <div class="split">
        <div>
          <section class="card" aria-labelledby="cluster-h" data-testid="cluster">
            <h2 id="cluster-h">{t("cluster")}</h2>
            {cluster.length === 0 ? (
              <p class="muted">{t("no_cluster")}</p>
            ) : (
              cluster.map((f) => (
                <p key={f.detector}>
                  {t("cluster_member", { id: f.detector.slice(4), reason: f.reason })} {f.value && <code>{f.value}</code>}
                </p>
              ))
            )}
          </section>
          <section class="card" aria-labelledby="claims-h" data-testid="matched-claims">
            <h2 id="claims-h">{t("matched_claims")}</h2>
            {matched.length === 0 ? (
              <p class="muted">{t("no_claims_matched")}</p>
            ) : (
              <ul>
                {matched.map((f) => {
                  const c = claims.data?.find((x) => `claim:${x.id}` === f.detector);
                  return (
                    <li key={f.detector}>
                      <code>{f.detector.slice(6)}</code> {c ? <q>{c.claim}</q> : f.reason}{" "}
                      {c && (
                        <>
                          — <span class={`badge verdict-${c.verdict}`}>{c.verdict}</span> {c.fact_checker},{" "}
                          <a href={c.source_url} rel="noopener noreferrer" target="_blank">
                            {t("fact_check")}
                          </a>
                        </>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
          </section>
        </div>
        <div>
          {decision && <Statement statement={decision.statement} />}
          <Decide postId={p.id} onDone={() => post.reload()} idPrefix="post-decide" />
        </div>
      </div>
      <section class="card" aria-labelledby="reviews-h">
        <h2 id="reviews-h">{t("reviews")}</h2>
        {reviews.length === 0 ? (
          <p class="muted">{t("no_reviews")}</p>
        ) : (
          <ul>
            {reviews.map((r) => (
              <li key={r.id} data-review-outcome={r.outcome}>
                {r.at} · {t("reviewer_key", { id: r.reviewer_key_id })} · <strong>{tValue(t, "outcome_", r.outcome)}</strong>
                {r.category && ` → ${tValue(t, "cat_", r.category)}`} {r.note && `· ${r.note}`}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section class="card" aria-labelledby="appeals-h">
        <h2 id="appeals-h">{t("appeals")}</h2>
        <AppealList appeals={appeals} onResolved={() => post.reload()} />
        <form onSubmit={fileAppeal} aria-labelledby="file-appeal-h">
          <h3 id="file-appeal-h">{t("file_appeal")}</h3>
          <div class="field">
            <label for="pd-appeal-reason">{t("appeal_reason")}</label>
            <textarea id="pd-appeal-reason" rows={2} value={appealReason} onInput={(e) => setAppealReason(e.currentTarget.value)} />
          </div>
          <button type="submit">{t("file")}</button>
          {appealMsg && (
            <p role="status" class="ok">
              {appealMsg}
            </p>
          )}
          {appealErr != null && <ErrorBox error={appealErr} />}
        </form>
      </section>
    </div>
  );
}
