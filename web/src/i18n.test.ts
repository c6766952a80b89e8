import { describe, expect, it } from "vitest";
import { missingKeys, translator, tValue } from "./i18n";

describe("i18n", () => {
  it("has every English string in Vietnamese", () => {
    // app_name is the product name in both languages.
    expect(missingKeys("vi").filter((k) => k !== "app_name")).toEqual([]);
  });
  it("interpolates parameters and translates API values", () => {
    const vi = translator("vi");
    expect(vi("queue_count", { n: 3 })).toBe("3 bài");
    expect(tValue(vi, "cat_", "scam")).toBe("lừa đảo");
    expect(tValue(vi, "cat_", "unknown_category")).toBe("unknown_category");
    expect(translator("en")("queue_count", { n: 3 })).toBe("3 posts");
  });
});
