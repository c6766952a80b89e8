// Parses a claims file for import from the dashboard: JSONL (one object a line) or CSV with a
// header row (RFC 4180 quoting), the same formats as `tincay claims import` (docs/claims.md).
// Bad records are reported with their line; the server validates each record again.
import type { Claim } from "./api";

export interface ParsedClaims {
  claims: { line: number; claim: Partial<Claim> }[];
  errors: { line: number; reason: string }[];
}

const kFields = ["id", "claim", "verdict", "fact_checker", "source_url", "published", "lang"] as const;

function pick(obj: Record<string, unknown>): Partial<Claim> {
  const out: Partial<Claim> = {};
  for (const f of kFields) {
    const v = obj[f];
    if (typeof v === "string" && v !== "") out[f] = f === "verdict" ? v.toLowerCase() : v;
  }
  return out;
}

function missing(c: Partial<Claim>): string | null {
  for (const f of ["id", "claim", "verdict", "fact_checker", "source_url"] as const) {
    if (!c[f]) return `missing ${f}`;
  }
  return null;
}

// RFC 4180 records with the line each starts on; a quoted field may span lines.
export function csvRecords(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === "\n") line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      quoted = true;
      any = true;
    } else if (c === ",") {
      fields.push(field);
      field = "";
      any = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      if (any || field !== "") {
        fields.push(field);
        out.push({ line: start, fields });
      }
      fields = [];
      field = "";
      any = false;
      line++;
      start = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || field !== "") {
    fields.push(field);
    out.push({ line: start, fields });
  }
  return out;
}

export function parseClaims(text: string): ParsedClaims {
  const result: ParsedClaims = { claims: [], errors: [] };
  const trimmed = text.trimStart();
  const add = (line: number, c: Partial<Claim>) => {
    const why = missing(c);
    if (why) result.errors.push({ line, reason: why });
    else result.claims.push({ line, claim: c });
  };
  if (trimmed.startsWith("{")) {
    text.split("\n").forEach((raw, i) => {
      const s = raw.trim();
      if (s === "") return;
      try {
        const obj = JSON.parse(s) as unknown;
        if (typeof obj !== "object" || obj === null || Array.isArray(obj)) throw new Error("not an object");
        add(i + 1, pick(obj as Record<string, unknown>));
      } catch (e) {
        result.errors.push({ line: i + 1, reason: `malformed JSON: ${(e as Error).message}` });
      }
    });
    return result;
  }
  const records = csvRecords(text);
  if (records.length === 0) return result;
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  for (const r of records.slice(1)) {
    if (r.fields.length !== header.length) {
      result.errors.push({ line: r.line, reason: `${r.fields.length} fields, the header has ${header.length}` });
      continue;
    }
    const obj: Record<string, string> = {};
    header.forEach((h, i) => (obj[h] = r.fields[i]));
    add(r.line, pick(obj));
  }
  return result;
}
