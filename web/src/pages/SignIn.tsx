// Sign in with an API key: the key is checked against the server and its role found before the
// dashboard opens.
import { useState } from "preact/hooks";
import { Client } from "../api";
import { ErrorBox } from "../components/Async";
import { useLang } from "../i18n";
import type { Session } from "../session";

export function SignIn({ onSignedIn, makeClient = (k: string) => new Client(k) }: { onSignedIn: (s: Session) => void; makeClient?: (key: string) => Client }) {
  const { t } = useLang();
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const client = makeClient(key.trim());
      const role = await client.probeRole();
      onSignedIn({ client, role });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="signin card" aria-labelledby="signin-h">
      <h1 id="signin-h">{t("sign_in_title")}</h1>
      <p class="muted" id="signin-help">
        {t("sign_in_help")}
      </p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="api-key">{t("api_key")}</label>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autocomplete="off"
            spellcheck={false}
            required
            pattern="tk_[0-9a-f]{64}"
            aria-describedby="signin-help"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
        </div>
        <button type="submit" class="primary" disabled={busy || key.trim() === ""}>
          {busy ? t("signing_in") : t("sign_in")}
        </button>
      </form>
      {error != null && <ErrorBox error={error} />}
    </section>
  );
}
