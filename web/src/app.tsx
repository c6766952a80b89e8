// The dashboard's shell: language switch, sign-in, navigation by role, and the page router.
import { useEffect, useMemo, useState } from "preact/hooks";
import { ErrorBox } from "./components/Async";
import { LangContext, translator, useLang, type Lang } from "./i18n";
import { AppealsPage } from "./pages/Appeals";
import { CheckPage } from "./pages/Check";
import { ClaimsPage } from "./pages/Claims";
import { PlaygroundPage } from "./pages/Playground";
import { PostDetailPage } from "./pages/PostDetail";
import { Queue } from "./pages/Queue";
import { SignIn } from "./pages/SignIn";
import { TransparencyPage } from "./pages/Transparency";
import { TrendsPage } from "./pages/Trends";
import { matchPath, navigate, useLocation } from "./router";
import { SessionContext, loadSession, pagesFor, saveSession, type Session } from "./session";

function initialLang(): Lang {
  const saved = localStorage.getItem("tincay.lang");
  if (saved === "vi" || saved === "en") return saved;
  return navigator.language?.toLowerCase().startsWith("en") ? "en" : "vi";
}

function LangSwitch() {
  const { lang, setLang, t } = useLang();
  return (
    <div class="lang-switch" role="group" aria-label={t("language")}>
      {(["vi", "en"] as const).map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={lang === l} onClick={() => setLang(l)}>
          {l === "vi" ? "Tiếng Việt" : "English"}
        </button>
      ))}
    </div>
  );
}

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  const { t } = useLang();
  let m: Record<string, string> | null;
  if (path === "/queue") return <Queue />;
  if ((m = matchPath("/posts/:id", path))) return <PostDetailPage id={m.id} />;
  if (path === "/appeals") return <AppealsPage initialPost={query.get("post") ?? ""} />;
  if (path === "/claims") return <ClaimsPage />;
  if (path === "/trends") return <TrendsPage />;
  if (path === "/transparency") return <TransparencyPage />;
  if (path === "/playground") return <PlaygroundPage />;
  if (path === "/check") return <CheckPage />;
  return <ErrorBox error={t("not_found")} />;
}

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSession] = useState<Session | null>(loadSession);
  const { path, query } = useLocation();
  const langState = useMemo(
    () => ({
      lang,
      t: translator(lang),
      setLang: (l: Lang) => {
        localStorage.setItem("tincay.lang", l);
        setLangState(l);
      },
    }),
    [lang],
  );
  const t = langState.t;

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const pages = session ? pagesFor(session.role) : [];
  useEffect(() => {
    if (session && (path === "/" || path === "/signin") && pages.length > 0) navigate(pages[0].path);
  }, [session, path]);

  const signIn = (s: Session) => {
    saveSession(s);
    setSession(s);
    const first = pagesFor(s.role)[0];
    if (first && (path === "/" || path === "/signin")) navigate(first.path);
  };
  const signOut = () => {
    saveSession(null);
    setSession(null);
    navigate("/");
  };

  return (
    <LangContext.Provider value={langState}>
      <a href="#main" class="skip">
        {t("skip_to_content")}
      </a>
      <header class="top">
        <span class="brand">{t("app_name")}</span>
        {session && (
          <nav aria-label={t("nav")}>
            <ul>
              {pages.map((p) => (
                <li key={p.path}>
                  <a
                    href={p.path}
                    aria-current={path === p.path || (p.path === "/queue" && path.startsWith("/posts/")) ? "page" : undefined}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(p.path);
                    }}
                  >
                    {t(p.key)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="top-right">
          <LangSwitch />
          {session && (
            <>
              <span class="muted small" data-role={session.role}>
                {t("signed_in_as", { role: t(`role_${session.role}`) })}
              </span>
              <button type="button" onClick={signOut}>
                {t("sign_out")}
              </button>
            </>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {session ? (
          <SessionContext.Provider value={session}>
            <Page path={path} query={query} />
          </SessionContext.Provider>
        ) : (
          <SignIn onSignedIn={signIn} />
        )}
      </main>
    </LangContext.Provider>
  );
}
