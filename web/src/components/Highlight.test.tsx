import { render } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { Highlight, segments } from "./Highlight";

describe("Highlight", () => {
  it("marks evidence by code points, not UTF-16 units", () => {
    // The emoji is two UTF-16 units but one code point: spans after it must not shift.
    const text = "😀 Tuyển CTV việc nhẹ lương cao";
    const start = 12; // code points: "😀 Tuyển CTV " is 12 (the emoji is 1)
    const { container } = render(<Highlight text={text} marks={[{ start, end: start + 18, label: "rule:x" }]} />);
    const marks = container.querySelectorAll("mark");
    expect(marks).toHaveLength(1);
    expect(marks[0].textContent).toBe("việc nhẹ lương cao");
    expect(container.textContent).toBe(text);
  });

  it("splits overlapping spans and names every detector on the overlap", () => {
    const s = segments("abcdef", [
      { start: 1, end: 4, label: "A" },
      { start: 3, end: 5, label: "B" },
    ]);
    expect(s.map((x) => x.text)).toEqual(["a", "bc", "d", "e", "f"]);
    expect(s[2].labels).toEqual(["A", "B"]);
    expect(s[4].labels).toEqual([]);
  });

  it("ignores spans outside the text instead of crashing", () => {
    const s = segments("abc", [{ start: 2, end: 9, label: "bad" }]);
    expect(s.map((x) => x.text).join("")).toBe("abc");
    expect(s.every((x) => x.labels.length === 0)).toBe(true);
  });
});
