import { describe, expect, it } from "vitest";
import { csvRecords, parseClaims } from "./claimsImport";

describe("claims import", () => {
  it("reads CSV with quoted commas, quotes and newlines, reporting the starting line", () => {
    const csv =
      'id,claim,verdict,fact_checker,source_url\n' +
      'c1,"Uống nước chanh, chữa ""khỏi"" ung thư",FALSE,AFP,https://example.org/1\n' +
      'c2,"dòng một\ndòng hai",misleading,Tuổi Trẻ,https://example.org/2\n' +
      "c3,missing url,false,AFP,\n";
    const r = parseClaims(csv);
    expect(r.claims.map((c) => c.claim.id)).toEqual(["c1", "c2"]);
    expect(r.claims[0].claim.claim).toBe('Uống nước chanh, chữa "khỏi" ung thư');
    expect(r.claims[0].claim.verdict).toBe("false");
    expect(r.claims[1].claim.claim).toBe("dòng một\ndòng hai");
    expect(r.errors).toEqual([{ line: 5, reason: "missing source_url" }]);
    expect(csvRecords("a,b\r\n1,2\r\n").map((x) => x.fields)).toEqual([["a", "b"], ["1", "2"]]);
  });

  it("reads JSONL and names malformed lines", () => {
    const jsonl =
      '{"id":"j1","claim":"x","verdict":"false","fact_checker":"F","source_url":"https://e.org"}\n' +
      "{not json\n\n" +
      '{"id":"j2","claim":"y","verdict":"true","fact_checker":"F"}\n';
    const r = parseClaims(jsonl);
    expect(r.claims.map((c) => c.claim.id)).toEqual(["j1"]);
    expect(r.errors.map((e) => e.line)).toEqual([2, 4]);
  });
});
