// The statement of reasons of a decision (docs/decision-format.md), field by field.
import type { Statement as S } from "../api";
import { tValue, useLang } from "../i18n";

export function Statement({ statement }: { statement: S }) {
  const { t } = useLang();
  return (
    <section aria-labelledby="statement-h" class="card">
      <h3 id="statement-h">{t("statement")}</h3>
      <dl class="statement">
        <dt>{t("st_decision")}</dt>
        <dd>
          <span class={`badge action-${statement.decision}`}>{tValue(t, "action_", statement.decision)}</span>
        </dd>
        <dt>{t("st_categories")}</dt>
        <dd>{statement.categories.map((c) => tValue(t, "cat_", c)).join(", ") || "—"}</dd>
        <dt>{t("st_grounds")}</dt>
        <dd>
          {statement.grounds.map((g) => (
            <code key={g}>{g}</code>
          ))}
        </dd>
        <dt>{t("st_facts")}</dt>
        <dd class="facts">{statement.facts_and_circumstances}</dd>
        <dt>{t("st_automated_detection")}</dt>
        <dd>{statement.automated_detection ? t("yes") : t("no")}</dd>
        <dt>{t("st_automated_decision")}</dt>
        <dd>{statement.automated_decision}</dd>
        <dt>{t("st_redress")}</dt>
        <dd>{statement.redress}</dd>
      </dl>
    </section>
  );
}
