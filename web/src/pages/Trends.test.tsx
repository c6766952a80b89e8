import { screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderPage, type Call } from "../test/helpers";
import { TrendsPage, bucketLabel } from "./Trends";

const trends = {
  from: "2026-11-16T00:00:00Z",
  to: "2026-11-19T00:00:00Z",
  bucket: "day",
  k: 10,
  buckets: ["2026-11-16T00:00:00Z", "2026-11-17T00:00:00Z", "2026-11-18T00:00:00Z"],
  emotion_model: null,
  volume: { total: [120, null, 140], platforms: [{ platform: "facebook", posts: [100, null, 90], total: 190 }] },
  categories: [
    { category: "scam", posts: [12, 15, null], total: 27 },
    { category: "hate", posts: [null, null, null], total: null },
  ],
  emotions: [],
  phrases: [{ phrase: "việc nhẹ lương cao", posts: 40, score: 210.5, topic: 0 }],
  topics: [{ id: 0, label: "việc nhẹ lương cao / tuyển ctv", phrases: ["việc nhẹ lương cao"], posts: 55, series: [10, 20, 25], emotions: [], categories: [] }],
  emerging: [{ phrase: "app vay", topic: null, started_at: "2026-11-18T00:00:00Z", detected_at: "2026-11-19T00:00:00Z", peak_at: "2026-11-18T00:00:00Z", z: 4.2, posts: 30, baseline: 2.5 }],
  suppressed: { cells: 5, phrases: 2, topics: 0 },
  methods: { phrases: "G2 collocations" },
};

describe("Trends", () => {
  it("draws volume and categories with withheld cells as gaps, and lists emerging issues", async () => {
    const { container, calls } = renderPage(<TrendsPage />, { route: (c: Call) => (c.url.startsWith("/v1/trends") ? { body: trends } : undefined), role: "analyst" });
    await waitFor(() => expect(container.querySelectorAll("figure.chart").length).toBeGreaterThanOrEqual(3));
    expect(calls[0].url).toBe("/v1/trends");
    // Volume: two series (total, facebook), each split by its null cell into two runs.
    const volume = container.querySelectorAll("figure.chart")[0];
    expect(volume.querySelectorAll("g[data-series]")).toHaveLength(2);
    expect(volume.querySelectorAll("polyline")).toHaveLength(4);
    // A category with every cell withheld is not drawn.
    const cats = container.querySelectorAll("figure.chart")[1];
    expect([...cats.querySelectorAll("g[data-series]")].map((g) => g.getAttribute("data-series"))).toEqual(["scam"]);
    expect(screen.getByText("app vay")).toBeTruthy();
    expect(container.textContent).toContain("fewer than 10 distinct authors are withheld (7 withheld)");
    expect(bucketLabel("2026-11-18T05:00:00Z", "hour")).toBe("11-18 05h");
  });
});
