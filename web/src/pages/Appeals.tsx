// Appeals: the open appeals, oldest first (GET /v1/appeals?status=open), file one against a
// post's decision, look up the appeals of a post, and resolve an open one (the server refuses
// the reviewer who made the latest decision on the post: 403).
import { useEffect, useState } from "preact/hooks";
import type { Appeal } from "../api";
import { ErrorBox, Loading } from "../components/Async";
import { useLang } from "../i18n";
import { useSession } from "../session";
import { AppealList } from "../components/Appeals";

export function AppealsPage({ initialPost = "" }: { initialPost?: string }) {
  const { t } = useLang();
  const { client, role } = useSession();
  const [postId, setPostId] = useState(initialPost);
  const [reason, setReason] = useState("");
  const [filed, setFiled] = useState<string | null>(null);
  const [fileErr, setFileErr] = useState<unknown>(null);
  const [lookup, setLookup] = useState(initialPost);
  const [appeals, setAppeals] = useState<Appeal[] | null>(null);
  const [lookupErr, setLookupErr] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<Appeal[] | null>(null);
  const [openNext, setOpenNext] = useState<number | null>(null);
  const [openErr, setOpenErr] = useState<unknown>(null);

  // The work queue: reloaded from the start after every resolution, so resolved ones drop off.
  const loadOpen = async (offset = 0) => {
    setOpenErr(null);
    try {
      const r = await client.appeals({ status: "open", offset: offset || undefined });
      setOpen((prev) => (offset && prev ? [...prev, ...r.items] : r.items));
      setOpenNext(r.next_offset);
    } catch (e) {
      setOpenErr(e);
    }
  };
  useEffect(() => {
    if (role === "reviewer") void loadOpen();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [role]);

  const find = async (id: string) => {
    setLookupErr(null);
    setLoading(true);
    try {
      setAppeals((await client.post(id)).appeals);
    } catch (e) {
      setAppeals(null);
      setLookupErr(e);
    } finally {
      setLoading(false);
    }
  };

  const file = async (e: Event) => {
    e.preventDefault();
    setFileErr(null);
    setFiled(null);
    try {
      const r = await client.fileAppeal({ post_id: postId.trim(), reason: reason || undefined });
      setFiled(t("appeal_filed", { id: r.id }));
      setReason("");
      if (role === "reviewer") {
        void loadOpen();
        if (lookup.trim() === postId.trim()) void find(lookup.trim());
      }
    } catch (err) {
      setFileErr(err);
    }
  };

  return (
    <div class="page">
      <h1>{t("appeals_title")}</h1>
      <p class="muted">{t("appeals_help")}</p>
      {role === "reviewer" && (
        <section class="card" aria-labelledby="open-h">
          <h2 id="open-h">{t("open_appeals")}</h2>
          {open == null && openErr == null && <Loading />}
          {openErr != null && <ErrorBox error={openErr} />}
          {open && <AppealList appeals={open} showPost onResolved={() => void loadOpen()} />}
          {openNext != null && (
            <button type="button" onClick={() => void loadOpen(openNext)}>
              {t("more")}
            </button>
          )}
        </section>
      )}
      <div class="split">
        <form class="card" onSubmit={file} aria-labelledby="file-h">
          <h2 id="file-h">{t("file_appeal")}</h2>
          <div class="field">
            <label for="appeal-post">{t("post_id")}</label>
            <input id="appeal-post" type="text" required value={postId} onInput={(e) => setPostId(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="appeal-reason">{t("appeal_reason")}</label>
            <textarea id="appeal-reason" rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <button type="submit" class="primary">
            {t("file")}
          </button>
          {filed && (
            <p role="status" class="ok">
              {filed}
            </p>
          )}
          {fileErr != null && <ErrorBox error={fileErr} />}
        </form>
        {role === "reviewer" && (
          <section class="card" aria-labelledby="find-h">
            <h2 id="find-h">{t("find_appeals")}</h2>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void find(lookup.trim());
              }}
              class="inline-form"
            >
              <div class="field">
                <label for="appeal-lookup">{t("post_id")}</label>
                <input id="appeal-lookup" type="text" required value={lookup} onInput={(e) => setLookup(e.currentTarget.value)} />
              </div>
              <button type="submit">{t("find")}</button>
            </form>
            {loading && <Loading />}
            {lookupErr != null && <ErrorBox error={lookupErr} />}
            {appeals && <AppealList appeals={appeals} onResolved={() => void find(lookup.trim())} />}
          </section>
        )}
      </div>
    </div>
  );
}
