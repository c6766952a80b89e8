import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderPage, type Call } from "../test/helpers";
import { PlaygroundPage } from "./Playground";
import { CheckPage } from "./Check";

const text = "Tuyển CTV việc nhẹ lương cao";

function route(call: Call) {
  if (call.url === "/v1/explain") {
    return {
      body: {
        normalized: "tuyển ctv việc nhẹ lương cao",
        shadow: "tuyen ctv viec nhe luong cao",
        truncated: false,
        tokens: [],
        findings: [
          { detector: "rule:scam.job_lure", kind: "rule", category: "scam", score: 0.6, flagged: true, reason: "matched", spans: [{ start: 10, end: 28, text: "việc nhẹ lương cao" }] },
          { detector: "rule:spam.promo", kind: "rule", category: "spam", score: 0.2, flagged: false, reason: "weak", spans: [{ start: 0, end: 5, text: "Tuyển" }] },
        ],
        scores: { scam: 0.6, spam: 0.2 },
        flag_threshold: 0.5,
        action: "review",
        categories: ["scam"],
        policy_version: "p",
        model_versions: {},
      },
    };
  }
  return undefined;
}

describe("Playground", () => {
  it("marks every finding's spans, weak ones apart from flagged ones", async () => {
    const { container, calls } = renderPage(<PlaygroundPage />, { route });
    fireEvent.input(screen.getByLabelText("Text"), { target: { value: text } });
    fireEvent.click(screen.getByRole("button", { name: "Explain" }));
    await waitFor(() => expect(container.querySelectorAll("tr[data-detector]")).toHaveLength(2));
    expect(calls[0].body).toEqual({ text });
    const marks = [...container.querySelectorAll("mark")];
    expect(marks.map((m) => m.textContent)).toEqual(["Tuyển", "việc nhẹ lương cao"]);
    expect(marks[0].className).toContain("weak");
    expect(marks[1].className).not.toContain("weak");
  });

  it("says when the server has no playground", async () => {
    renderPage(<PlaygroundPage />, { route: () => undefined });
    fireEvent.input(screen.getByLabelText("Text"), { target: { value: text } });
    fireEvent.click(screen.getByRole("button", { name: "Explain" }));
    const alert = await screen.findByRole("alert");
    expect(alert.getAttribute("data-error-kind")).toBe("unavailable");
    expect(alert.textContent).toContain("POST /v1/explain");
  });

  it("check before posting asks for suggestions in the dashboard's language", async () => {
    const { calls, container } = renderPage(<CheckPage />, {
      lang: "vi",
      route: (c) =>
        c.url === "/v1/check"
          ? { body: { count: 1, problems: [{ category: "scam", detector: "rule:x", score: 0.6, start: 10, end: 28, text: "việc nhẹ lương cao", suggestion: "Đừng" }] } }
          : undefined,
    });
    fireEvent.input(screen.getByLabelText("Bản nháp"), { target: { value: text } });
    fireEvent.click(screen.getByRole("button", { name: "Kiểm tra" }));
    await waitFor(() => expect(container.querySelector("mark")?.textContent).toBe("việc nhẹ lương cao"));
    expect(calls[0].body).toEqual({ text, lang: "vi" });
    expect(screen.getByText("1 vấn đề")).toBeTruthy();
  });
});
