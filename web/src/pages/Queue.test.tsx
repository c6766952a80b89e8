import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { decision, renderPage, type Call } from "../test/helpers";
import { Queue } from "./Queue";

const posts: Record<string, string> = {
  "p-1": "Tuyển CTV việc nhẹ lương cao, ib ngay",
  "p-2": "Bán hàng xách tay giá rẻ việc nhẹ lương cao",
};

function route(call: Call) {
  if (call.url.startsWith("/v1/queue")) {
    const items = Object.entries(posts).map(([post_id, text]) => ({
      post_id,
      action: "review",
      categories: ["scam"],
      decided_at: "2026-11-01T00:00:00Z",
      age_seconds: 7200,
      text,
    }));
    return { body: { items, next_offset: null } };
  }
  const m = /^\/v1\/posts\/(.+)$/.exec(call.url);
  if (m) {
    const id = decodeURIComponent(m[1]);
    return {
      body: {
        post: { id, platform: "forum", created_at: "", parent_id: "", url: "", lang: "vi", text: posts[id] },
        decision: decision(id, posts[id], "việc nhẹ lương cao"),
        decided_at: "2026-11-01T00:00:00Z",
        reviews: [],
        appeals: [],
      },
    };
  }
  if (call.url === "/v1/reviews") return { status: 201, body: { id: 1 } };
  return undefined;
}

describe("Queue", () => {
  it("shows the selected post's evidence and statement, and decides by keyboard", async () => {
    const { calls, container } = renderPage(<Queue />, { route });
    await screen.findByText(/Tuyển CTV/);
    // The first post is selected: its evidence is marked on the original text.
    await waitFor(() => expect(container.querySelector("mark.evidence")?.textContent).toBe("việc nhẹ lương cao"));
    expect(screen.getByText("Statement of reasons")).toBeTruthy();
    // j moves to the second post, u upholds it.
    fireEvent.keyDown(window, { key: "j" });
    await waitFor(() => expect(container.querySelector('[aria-selected="true"]')?.getAttribute("data-post-id")).toBe("p-2"));
    await waitFor(() => expect(calls.some((c) => c.url === "/v1/posts/p-2")).toBe(true));
    await waitFor(() => expect(container.querySelector(".queue-detail a code")?.textContent).toBe("p-2"));
    fireEvent.keyDown(window, { key: "u" });
    await waitFor(() => expect(calls.some((c) => c.url === "/v1/reviews")).toBe(true));
    const review = calls.find((c) => c.url === "/v1/reviews")!;
    expect(review.method).toBe("POST");
    expect(review.body).toEqual({ post_id: "p-2", outcome: "uphold" });
    expect(review.auth).toBe("Bearer tk_test");
    // The decided post leaves the list.
    await waitFor(() => expect(container.querySelector('[data-post-id="p-2"]')).toBeNull());
    expect(screen.getByTestId("queue-status").textContent).toContain("p-2");
  });

  it("opens the selected post with Enter and shows the shortcut help with ?", async () => {
    renderPage(<Queue />, { route });
    await screen.findByText(/Tuyển CTV/);
    fireEvent.keyDown(window, { key: "?" });
    expect(screen.getByRole("note").textContent).toContain("u uphold");
    fireEvent.keyDown(window, { key: "ArrowDown" });
    fireEvent.keyDown(window, { key: "Enter" });
    expect(location.pathname).toBe("/posts/p-2");
    history.replaceState(null, "", "/");
  });

  it("ignores shortcuts while typing in a field", async () => {
    const { calls } = renderPage(<Queue />, { route });
    await screen.findByText(/Tuyển CTV/);
    const note = (await screen.findByLabelText("Note (optional)")) as HTMLInputElement;
    fireEvent.keyDown(note, { key: "u" });
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.some((c) => c.url === "/v1/reviews")).toBe(false);
  });

  it("sends the filters to the server", async () => {
    const { calls } = renderPage(<Queue />, { route });
    await screen.findByText(/Tuyển CTV/);
    fireEvent.change(screen.getByLabelText("Action"), { target: { value: "escalate" } });
    fireEvent.change(screen.getByLabelText("Category"), { target: { value: "self_harm" } });
    fireEvent.input(screen.getByLabelText("Older than (hours)"), { target: { value: "2" } });
    fireEvent.click(screen.getByText("Apply"));
    await waitFor(() => expect(calls.filter((c) => c.url.startsWith("/v1/queue")).length).toBe(2));
    const url = new URL(calls.filter((c) => c.url.startsWith("/v1/queue"))[1].url, "http://x");
    expect(url.searchParams.get("action")).toBe("escalate");
    expect(url.searchParams.get("category")).toBe("self_harm");
    expect(url.searchParams.get("min_age")).toBe("7200");
  });
});
