// Loading and error states shared by the pages: a 403 says the role may not use the page, a
// missing endpoint says this server does not offer it, anything else shows the server's message.
import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError } from "../api";
import { useLang } from "../i18n";

export function ErrorBox({ error, endpoint, onRetry }: { error: unknown; endpoint?: string; onRetry?: () => void }) {
  const { t } = useLang();
  let message = String(error);
  let kind = "error";
  if (error instanceof ApiError) {
    if (error.status === 403) {
      message = `${t("not_allowed")} (${error.message})`;
      kind = "forbidden";
    } else if (error.unavailable) {
      message = t("not_available", { endpoint: endpoint ?? "" });
      kind = "unavailable";
    } else {
      message = error.field ? `${error.message} (${error.field})` : error.message;
    }
  }
  return (
    <div role="alert" class={`alert ${kind}`} data-error-kind={kind}>
      {kind === "error" && <strong>{t("error")}: </strong>}
      {message}
      {onRetry && kind === "error" && (
        <button type="button" class="link" onClick={onRetry}>
          {t("retry")}
        </button>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useLang();
  return (
    <p class="muted" role="status">
      {t("loading")}
    </p>
  );
}

// Runs `load` when `deps` change; returns the data, the error and a reload function.
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload, setData: (data: T) => setState({ data, loading: false }) };
}

export function formatAge(seconds: number): string {
  if (seconds < 3600) return `${Math.max(0, Math.round(seconds / 60))} min`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86400)} d`;
}
