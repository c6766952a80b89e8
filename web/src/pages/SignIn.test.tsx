import { fireEvent, render, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it, vi } from "vitest";
import { Client } from "../api";
import { LangContext, translator } from "../i18n";
import { fakeFetch, type Route } from "../test/helpers";
import { SignIn } from "./SignIn";

const kKey = `tk_${"a".repeat(64)}`;

function signIn(route: Route) {
  const { fetcher } = fakeFetch(route);
  const onSignedIn = vi.fn();
  render(
    <LangContext.Provider value={{ lang: "en", t: translator("en"), setLang: () => {} }}>
      <SignIn onSignedIn={onSignedIn} makeClient={(k) => new Client(k, fetcher)} />
    </LangContext.Provider>,
  );
  fireEvent.input(screen.getByLabelText("API key"), { target: { value: kKey } });
  fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
  return onSignedIn;
}

const forbidden = { status: 403, body: { error: "role may not call" } };

describe("SignIn", () => {
  it("refuses an unknown key with the server's reason", async () => {
    const onSignedIn = signIn(() => ({ status: 401, body: { error: "unknown or revoked API key" } }));
    expect((await screen.findByRole("alert")).textContent).toContain("unknown or revoked API key");
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it("finds the role of the key", async () => {
    const cases: [string, Route][] = [
      ["reviewer", (c) => (c.url.startsWith("/v1/queue") ? { body: { items: [], next_offset: null } } : forbidden)],
      ["analyst", (c) => (c.url.startsWith("/v1/reports") ? { body: {} } : forbidden)],
      [
        "admin",
        (c) =>
          c.url.startsWith("/v1/reports") ? { body: {} } : c.url === "/v1/claims" ? { status: 400, body: { error: "missing" } } : forbidden,
      ],
      ["ingest", () => forbidden],
    ];
    for (const [role, route] of cases) {
      const onSignedIn = signIn(route);
      await waitFor(() => expect(onSignedIn).toHaveBeenCalled());
      expect(onSignedIn.mock.calls[0][0].role).toBe(role);
      expect(onSignedIn.mock.calls[0][0].client.key).toBe(kKey);
      document.body.innerHTML = "";
    }
  });
});
