// The claim database: search the fact-checked claims, add one, or import a file of them
// (administrators; GET and POST /v1/claims).
import { useMemo, useState } from "preact/hooks";
import type { Claim } from "../api";
import { parseClaims } from "../claimsImport";
import { ErrorBox, Loading, useAsync } from "../components/Async";
import { useLang } from "../i18n";
import { useSession } from "../session";

// Lower case without diacritics (and đ → d), so "tiem chung" finds "tiêm chủng".
export function fold(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}

export function searchClaims(claims: Claim[], query: string): Claim[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return claims;
  return claims.filter((c) => {
    const hay = fold(`${c.id} ${c.claim} ${c.fact_checker} ${c.verdict}`);
    return words.every((w) => hay.includes(w));
  });
}

const kEmpty: Partial<Claim> = { id: "", claim: "", verdict: "false", fact_checker: "", source_url: "", published: "", lang: "vi" };

export function ClaimsPage() {
  const { t } = useLang();
  const { client, role } = useSession();
  const list = useAsync(() => client.claims().then((r) => r.claims), []);
  const [query, setQuery] = useState("");
  const [form, setForm] = useState<Partial<Claim>>(kEmpty);
  const [added, setAdded] = useState<string | null>(null);
  const [addErr, setAddErr] = useState<unknown>(null);
  const [importText, setImportText] = useState("");
  const [importMsg, setImportMsg] = useState<string | null>(null);
  const [importErrors, setImportErrors] = useState<string[]>([]);
  const shown = useMemo(() => searchClaims(list.data ?? [], query), [list.data, query]);
  const isAdmin = role === "admin";

  const add = async (e: Event) => {
    e.preventDefault();
    setAddErr(null);
    setAdded(null);
    try {
      await client.putClaim(form);
      setAdded(t("claim_added", { id: form.id ?? "" }));
      setForm(kEmpty);
      list.reload();
    } catch (err) {
      setAddErr(err);
    }
  };

  const doImport = async (e: Event) => {
    e.preventDefault();
    const parsed = parseClaims(importText);
    const errors = parsed.errors.map((x) => `line ${x.line}: ${x.reason}`);
    let ok = 0;
    for (const { line, claim } of parsed.claims) {
      try {
        await client.putClaim(claim);
        ok++;
      } catch (err) {
        errors.push(`line ${line}: ${(err as Error).message}`);
      }
    }
    setImportMsg(t("imported", { ok, bad: errors.length }));
    setImportErrors(errors);
    list.reload();
  };

  const field = (name: keyof Claim, label: string, required = false, type = "text") => (
    <div class="field">
      <label for={`claim-${name}`}>{label}</label>
      <input
        id={`claim-${name}`}
        type={type}
        required={required}
        value={form[name] ?? ""}
        onInput={(e) => setForm({ ...form, [name]: e.currentTarget.value })}
      />
    </div>
  );

  return (
    <div class="page">
      <h1>{t("claims_title")}</h1>
      <div class="field search">
        <label for="claims-search">{t("search_claims")}</label>
        <input id="claims-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </div>
      {list.loading && !list.data && <Loading />}
      {list.error != null && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.data && (
        <>
          <p class="muted" role="status">
            {t("claims_count", { n: shown.length })}
          </p>
          {shown.length === 0 ? (
            <p>{t("no_claims")}</p>
          ) : (
            <table class="claims">
              <caption class="sr-only">{t("claims_title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("id")}</th>
                  <th scope="col">{t("claim")}</th>
                  <th scope="col">{t("verdict")}</th>
                  <th scope="col">{t("fact_checker")}</th>
                  <th scope="col">{t("published")}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((c) => (
                  <tr key={c.id} data-claim-id={c.id}>
                    <td>
                      <code>{c.id}</code>
                    </td>
                    <td>
                      <a href={c.source_url} rel="noopener noreferrer" target="_blank">
                        {c.claim}
                      </a>
                    </td>
                    <td>
                      <span class={`badge verdict-${c.verdict}`}>{c.verdict}</span>
                    </td>
                    <td>{c.fact_checker}</td>
                    <td>{c.published}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      {!isAdmin && <p class="muted">{t("claims_admin_only")}</p>}
      {isAdmin && (
        <div class="split">
          <form class="card" onSubmit={add} aria-labelledby="add-claim-h">
            <h2 id="add-claim-h">{t("add_claim")}</h2>
            {field("id", t("id"), true)}
            <div class="field">
              <label for="claim-claim">{t("claim")}</label>
              <textarea id="claim-claim" required rows={3} value={form.claim ?? ""} onInput={(e) => setForm({ ...form, claim: e.currentTarget.value })} />
            </div>
            <div class="field">
              <label for="claim-verdict">{t("verdict")}</label>
              <select id="claim-verdict" value={form.verdict} onChange={(e) => setForm({ ...form, verdict: e.currentTarget.value })}>
                {["false", "misleading", "unproven", "true"].map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </div>
            {field("fact_checker", t("fact_checker"), true)}
            {field("source_url", t("source_url"), true, "url")}
            {field("published", t("published"), false, "date")}
            {field("lang", t("lang"))}
            <button type="submit" class="primary">
              {t("add")}
            </button>
            {added && (
              <p role="status" class="ok">
                {added}
              </p>
            )}
            {addErr != null && <ErrorBox error={addErr} />}
          </form>
          <form class="card" onSubmit={doImport} aria-labelledby="import-h">
            <h2 id="import-h">{t("import_claims")}</h2>
            <p class="muted small" id="import-help">
              {t("import_help")}
            </p>
            <div class="field">
              <label for="import-file">{t("import_file")}</label>
              <input
                id="import-file"
                type="file"
                accept=".jsonl,.json,.csv,text/csv,application/json"
                onChange={async (e) => {
                  const f = e.currentTarget.files?.[0];
                  if (f) setImportText(await f.text());
                }}
              />
            </div>
            <div class="field">
              <label for="import-text">{t("import_text")}</label>
              <textarea id="import-text" rows={6} aria-describedby="import-help" value={importText} onInput={(e) => setImportText(e.currentTarget.value)} />
            </div>
            <button type="submit" disabled={importText.trim() === ""}>
              {t("do_import")}
            </button>
            {importMsg && (
              <p role="status" class="ok">
                {importMsg}
              </p>
            )}
            {importErrors.length > 0 && (
              <ul class="errors">
                {importErrors.map((x) => (
                  <li key={x}>{x}</li>
                ))}
              </ul>
            )}
          </form>
        </div>
      )}
    </div>
  );
}
