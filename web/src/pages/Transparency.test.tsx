import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it, vi } from "vitest";
import { renderPage, type Call } from "../test/helpers";
import { TransparencyPage } from "./Transparency";

const report = {
  from: "2026-10-24T00:00:00Z",
  to: "2026-11-24T00:00:00Z",
  decisions: 339,
  actions_by_category: { scam: { review: 20, remove: 5 }, spam: { label: 7 } },
  actions_by_detector: { "rule:scam.job_lure": 12 },
  automated: { total: 339, by_action: { allow: 229, review: 88 } },
  human: { total: 3, by_outcome: { uphold: 2, overturn: 1 } },
  appeals: { filed: 2, upheld: 0, reversed: 1, open: 1 },
  reversals: { review_overturned_or_recategorized: 1, appeal_reversed: 1 },
  median_seconds_to_review: 120,
};

function route(call: Call) {
  if (call.url.startsWith("/v1/reports/transparency")) {
    if (call.url.includes("format=csv")) return { body: null, text: "section,key,subkey,value\ndecisions,total,,339\n" };
    return { body: report };
  }
  return undefined;
}

describe("Transparency", () => {
  it("draws the report's numbers and downloads the CSV of the same period", async () => {
    const createObjectURL = vi.fn(() => "blob:x");
    URL.createObjectURL = createObjectURL;
    URL.revokeObjectURL = vi.fn();
    // jsdom cannot follow the download link; the click itself is what the browser acts on.
    const click = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    const { container, calls } = renderPage(<TransparencyPage />, { route, role: "analyst" });
    await waitFor(() => expect(container.querySelector('[data-stat="decisions"] .stat-value')?.textContent).toBe("339"));
    // Category totals add up the actions: scam 25, spam 7.
    const scam = container.querySelector('[data-bar="scam"]');
    expect(scam?.getAttribute("data-value")).toBe("25");
    expect(container.querySelector('[data-bar="spam"]')?.getAttribute("data-value")).toBe("7");
    expect(screen.getByText("2 min")).toBeTruthy();
    fireEvent.click(screen.getByText("Download CSV"));
    await waitFor(() => expect(createObjectURL).toHaveBeenCalled());
    expect(click).toHaveBeenCalled();
    click.mockRestore();
    const csvCall = calls.find((c) => c.url.includes("format=csv"))!;
    const first = new URL(calls[0].url, "http://x");
    const csv = new URL(csvCall.url, "http://x");
    expect(csv.searchParams.get("from")).toBe(first.searchParams.get("from"));
    expect(csv.searchParams.get("to")).toBe(first.searchParams.get("to"));
  });
});
