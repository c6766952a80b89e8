// The review queue: filters, a list of flagged posts, the selected post with its evidence marked
// on the original text and its statement of reasons, and one-click decisions. Keyboard: j/k or
// arrows move, Enter opens the detail, u/o/r decide, / goes to the filters, ? shows the help.
import { useEffect, useRef, useState } from "preact/hooks";
import { ACTIONS, CATEGORIES, type QueueItem } from "../api";
import { ErrorBox, Loading, formatAge, useAsync } from "../components/Async";
import { Decide, decideButton } from "../components/Decide";
import { findingMarks } from "../components/Findings";
import { Highlight } from "../components/Highlight";
import { Statement } from "../components/Statement";
import { tValue, useLang } from "../i18n";
import { navigate } from "../router";
import { useSession } from "../session";

interface Filter {
  category: string;
  action: string;
  minAgeHours: string;
  maxAgeHours: string;
}

function toQuery(f: Filter, offset: number) {
  const hours = (h: string) => (h.trim() === "" ? undefined : Math.round(Number(h) * 3600));
  return {
    category: f.category || undefined,
    action: f.action || undefined,
    min_age: hours(f.minAgeHours),
    max_age: hours(f.maxAgeHours),
    limit: 50,
    offset,
  };
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || el.isContentEditable;
}

export function Queue() {
  const { t } = useLang();
  const { client } = useSession();
  const [draft, setDraft] = useState<Filter>({ category: "", action: "", minAgeHours: "", maxAgeHours: "" });
  const [filter, setFilter] = useState<Filter>(draft);
  const [items, setItems] = useState<QueueItem[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [selected, setSelected] = useState(0);
  const [help, setHelp] = useState(false);
  const filterRef = useRef<HTMLSelectElement>(null);
  const detailRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  const page = useAsync(async () => {
    const r = await client.queue(toQuery(filter, 0));
    setItems(r.items);
    setNext(r.next_offset);
    setSelected(0);
    return r;
  }, [filter]);

  const current = items[selected];
  const detail = useAsync(async () => (current ? client.post(current.post_id) : null), [current?.post_id]);

  const loadMore = async () => {
    if (next === null) return;
    const r = await client.queue(toQuery(filter, next));
    setItems((old) => [...old, ...r.items]);
    setNext(r.next_offset);
  };

  // A decided post leaves the queue; the selection stays at the same place (the next post).
  const [status, setStatus] = useState("");
  const decided = (postId: string, outcome: string) => {
    setItems((old) => old.filter((i) => i.post_id !== postId));
    setStatus(`${postId}: ${t("decided", { outcome: tValue(t, "outcome_", outcome) })}`);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      const move = (d: number) => {
        e.preventDefault();
        setSelected((s) => Math.min(Math.max(0, s + d), Math.max(0, items.length - 1)));
      };
      switch (e.key) {
        case "j":
        case "ArrowDown":
          return move(1);
        case "k":
        case "ArrowUp":
          return move(-1);
        case "Enter":
          if (current && !(e.target as HTMLElement)?.closest?.("button, a")) {
            e.preventDefault();
            navigate(`/posts/${encodeURIComponent(current.post_id)}`);
          }
          return;
        case "u":
        case "o":
          if (detailRef.current) {
            e.preventDefault();
            decideButton(detailRef.current, e.key === "u" ? "uphold" : "overturn")?.click();
          }
          return;
        case "r":
          e.preventDefault();
          detailRef.current?.querySelector<HTMLSelectElement>("select[data-recategorize]")?.focus();
          return;
        case "/":
          e.preventDefault();
          filterRef.current?.focus();
          return;
        case "?":
          e.preventDefault();
          setHelp((h) => !h);
          return;
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, current]);

  useEffect(() => {
    if (selected >= items.length && items.length > 0) setSelected(items.length - 1);
  }, [items, selected]);

  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${selected}"]`)?.scrollIntoView?.({ block: "nearest" });
  }, [selected]);

  return (
    <div class="page">
      <h1>{t("queue_title")}</h1>
      <form
        class="filters card"
        aria-label={t("filters")}
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ ...draft });
        }}
      >
        <div class="field">
          <label for="f-category">{t("category")}</label>
          <select id="f-category" ref={filterRef} value={draft.category} onChange={(e) => setDraft({ ...draft, category: e.currentTarget.value })}>
            <option value="">{t("any")}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {tValue(t, "cat_", c)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-action">{t("action")}</label>
          <select id="f-action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.currentTarget.value })}>
            <option value="">{t("any")}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {tValue(t, "action_", a)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="f-min-age">{t("min_age")}</label>
          <input id="f-min-age" type="number" min="0" step="any" value={draft.minAgeHours} onInput={(e) => setDraft({ ...draft, minAgeHours: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="f-max-age">{t("max_age")}</label>
          <input id="f-max-age" type="number" min="0" step="any" value={draft.maxAgeHours} onInput={(e) => setDraft({ ...draft, maxAgeHours: e.currentTarget.value })} />
        </div>
        <button type="submit">{t("apply")}</button>
        <button type="button" class="link" aria-expanded={help} onClick={() => setHelp(!help)}>
          {t("shortcuts")} <kbd>?</kbd>
        </button>
      </form>
      {help && (
        <p class="card shortcuts" role="note">
          {t("shortcuts_help")}
        </p>
      )}
      <p role="status" class="ok" data-testid="queue-status">
        {status}
      </p>
      {page.error != null && <ErrorBox error={page.error} onRetry={page.reload} />}
      {page.loading && items.length === 0 && <Loading />}
      <div class="split">
        <section aria-labelledby="queue-list-h" class="queue-list">
          <h2 id="queue-list-h" class="sr-only">
            {t("queue_title")}
          </h2>
          <p class="muted" role="status">
            {t("queue_count", { n: items.length })}
          </p>
          {!page.loading && items.length === 0 && page.error == null && <p>{t("queue_empty")}</p>}
          <ul ref={listRef} role="listbox" aria-label={t("queue_title")} tabIndex={0} aria-activedescendant={current ? `qi-${selected}` : undefined}>
            {items.map((it, i) => (
              <li
                key={it.post_id}
                id={`qi-${i}`}
                role="option"
                aria-selected={i === selected}
                data-index={i}
                data-post-id={it.post_id}
                class={i === selected ? "selected" : ""}
                onClick={() => setSelected(i)}
              >
                <div class="row-head">
                  <span class={`badge action-${it.action}`}>{tValue(t, "action_", it.action)}</span>
                  <span>{it.categories.map((c) => tValue(t, "cat_", c)).join(", ")}</span>
                  <span class="muted">{formatAge(it.age_seconds)}</span>
                </div>
                <div class="snippet">{it.text.length > 140 ? `${it.text.slice(0, 140)}…` : it.text}</div>
              </li>
            ))}
          </ul>
          {next !== null && (
            <button type="button" onClick={loadMore}>
              {t("more")}
            </button>
          )}
        </section>
        <section aria-labelledby="selected-h" class="queue-detail" ref={detailRef}>
          <h2 id="selected-h">{t("selected_post")}</h2>
          {!current && <p class="muted">{t("select_a_post")}</p>}
          {current && detail.error != null && <ErrorBox error={detail.error} />}
          {current && detail.data && detail.data.post.id === current.post_id && (
            <>
              <p>
                <a
                  href={`/posts/${encodeURIComponent(current.post_id)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    navigate(`/posts/${encodeURIComponent(current.post_id)}`);
                  }}
                >
                  {t("open_detail")}: <code>{current.post_id}</code>
                </a>
              </p>
              <Highlight text={detail.data.post.text} marks={findingMarks(detail.data.decision?.findings ?? [])} label={t("text")} />
              <p class="muted small">{t("evidence_legend")}</p>
              <Decide key={current.post_id} postId={current.post_id} onDone={(o) => decided(current.post_id, o)} idPrefix="queue-decide" />
              {detail.data.decision && <Statement statement={detail.data.decision.statement} />}
            </>
          )}
        </section>
      </div>
    </div>
  );
}
