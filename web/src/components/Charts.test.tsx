import { render } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { BarChart, LineChart } from "./Charts";

describe("charts", () => {
  it("scales bars to the largest value and prints each value", () => {
    const { container } = render(
      <BarChart title="T" empty="none" bars={[{ label: "a", value: 10 }, { label: "b", value: 5 }]} />,
    );
    const rects = container.querySelectorAll("rect");
    const wa = Number(rects[0].getAttribute("width"));
    const wb = Number(rects[1].getAttribute("width"));
    expect(wa).toBeCloseTo(2 * wb);
    expect(container.querySelector("svg")?.getAttribute("aria-label")).toBe("T: a 10, b 5");
  });

  it("draws withheld (null) cells as gaps, not zeros", () => {
    const { container } = render(
      <LineChart title="V" empty="none" labels={["1", "2", "3", "4"]} series={[{ name: "s", values: [3, null, 4, 5] }]} />,
    );
    const lines = container.querySelectorAll("polyline");
    expect(lines).toHaveLength(2);
    expect(container.querySelectorAll("circle")).toHaveLength(3);
  });

  it("says so when there is nothing to draw", () => {
    const { container } = render(<LineChart title="V" empty="nothing here" labels={["1"]} series={[{ name: "s", values: [null] }]} />);
    expect(container.querySelector("svg")).toBeNull();
    expect(container.textContent).toContain("nothing here");
  });
});
