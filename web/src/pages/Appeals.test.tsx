import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderPage, type Call } from "../test/helpers";
import { AppealsPage } from "./Appeals";

// A fake server holding two open appeals; resolving one takes it off the open list.
function server() {
  const appeals = [
    { id: 1, post_id: "p-1", reason: "việc làm thật", status: "open", filed_at: "2026-11-01T00:00:00Z" },
    { id: 2, post_id: "p/2", reason: "", status: "open", filed_at: "2026-11-02T00:00:00Z" },
  ];
  const route = (call: Call) => {
    if (call.method === "GET" && call.url.startsWith("/v1/appeals")) {
      const status = new URL(call.url, "http://x").searchParams.get("status");
      return { body: { items: appeals.filter((a) => !status || a.status === status), next_offset: null } };
    }
    const m = /^\/v1\/appeals\/(\d+)\/resolve$/.exec(call.url);
    if (m && call.method === "POST") {
      const a = appeals.find((x) => x.id === Number(m[1]));
      if (!a) return { status: 404, body: { error: "no appeal" } };
      a.status = (call.body as { outcome: string }).outcome;
      return { body: { id: a.id, status: a.status } };
    }
    return undefined;
  };
  return { route };
}

describe("Appeals", () => {
  it("lists the open appeals with links to their posts, and drops one once resolved", async () => {
    const { route } = server();
    const { calls, container } = renderPage(<AppealsPage />, { route });
    await waitFor(() => expect(container.querySelectorAll("[data-appeal-status=open]").length).toBe(2));
    expect(calls[0].url).toBe("/v1/appeals?status=open");
    expect(screen.getByText("việc làm thật")).toBeTruthy();
    expect(container.querySelector('a[href="/posts/p%2F2"]')).toBeTruthy();

    fireEvent.click(container.querySelector('[data-appeal-id="1"] .resolve button:nth-child(2)')!);
    await waitFor(() => expect(container.querySelector('[data-appeal-id="1"]')).toBeNull());
    const resolve = calls.find((c) => c.url === "/v1/appeals/1/resolve");
    expect(resolve?.body).toEqual({ outcome: "reversed" });
    expect(container.querySelectorAll("[data-appeal-status=open]").length).toBe(1);
  });

  it("does not ask for the list as an ingest key, which may only file appeals", async () => {
    const { route } = server();
    const { calls } = renderPage(<AppealsPage />, { route, role: "ingest" });
    await screen.findByText("File an appeal");
    expect(calls.some((c) => c.url.startsWith("/v1/appeals?"))).toBe(false);
  });
});
