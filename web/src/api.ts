// The dashboard's client for the tincay HTTP API (docs/api.md, api/openapi.json). Every call
// sends the signed-in key as a Bearer token; errors become ApiError with the server's message.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
  // The endpoint is not offered by this server (an older build): 404 without a JSON body of
  // ours, or 501 (an endpoint the server lists but does not serve).
  get unavailable(): boolean {
    return this.status === 501 || (this.status === 404 && this.message.startsWith("no such endpoint"));
  }
}

export type Role = "admin" | "reviewer" | "analyst" | "ingest";

export const CATEGORIES = [
  "scam",
  "false_advertising",
  "harassment",
  "hate",
  "sexual",
  "violence",
  "self_harm",
  "privacy",
  "spam",
  "misinformation",
  "profanity",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const ACTIONS = ["review", "remove", "escalate"] as const;

export interface Span {
  start: number;
  end: number;
  text: string;
}

export interface Finding {
  category: string;
  detector: string;
  score: number;
  evidence: Span[];
  reason: string;
  value?: string;
  truncated?: boolean;
}

export interface Statement {
  decision: string;
  categories: string[];
  grounds: string[];
  facts_and_circumstances: string;
  automated_detection: boolean;
  automated_decision: string;
  redress: string;
}

export interface Decision {
  id: string;
  action: string;
  categories: Record<string, number>;
  findings: Finding[];
  statement: Statement;
  policy_version: string;
  model_versions: Record<string, string>;
}

export interface Review {
  id: number;
  reviewer_key_id: number;
  outcome: string;
  category: string;
  note: string;
  at: string;
}

export interface Appeal {
  id: number;
  post_id: string;
  reason: string;
  status: string;
  filed_at: string;
  resolver_key_id?: number;
  resolution_note?: string;
  resolved_at?: string;
}

export interface PostDetail {
  post: {
    id: string;
    platform: string;
    created_at: string;
    parent_id: string;
    url: string;
    lang: string;
    text: string;
  };
  decision: Decision | null;
  decided_at: string;
  reviews: Review[];
  appeals: Appeal[];
}

export interface QueueItem {
  post_id: string;
  action: string;
  categories: string[];
  decided_at: string;
  age_seconds: number;
  text: string;
}

export interface Claim {
  id: string;
  claim: string;
  verdict: string;
  fact_checker: string;
  source_url: string;
  published: string;
  lang: string;
}

export interface Transparency {
  from: string;
  to: string;
  decisions: number;
  actions_by_category: Record<string, Record<string, number>>;
  actions_by_detector: Record<string, number>;
  automated: { total: number; by_action: Record<string, number> };
  human: { total: number; by_outcome: Record<string, number> };
  appeals: { filed: number; upheld: number; reversed: number; open: number };
  reversals: { review_overturned_or_recategorized: number; appeal_reversed: number };
  median_seconds_to_review: number | null;
}

export type Cell = number | null;

export interface Trends {
  from: string;
  to: string;
  bucket: "hour" | "day";
  k: number;
  buckets: string[];
  emotion_model?: string | null;
  volume: { total: Cell[]; platforms: { platform: string; posts: Cell[]; total: Cell }[] };
  categories: { category: string; posts: Cell[]; total: Cell }[];
  emotions: { label: string; posts: Cell[]; total: Cell }[];
  phrases: { phrase: string; posts: number; score: number; topic: number | null }[];
  topics: {
    id: number;
    label: string;
    phrases: string[];
    posts: Cell;
    series: Cell[];
  }[];
  emerging: {
    phrase: string;
    topic: number | null;
    started_at: string;
    detected_at: string;
    peak_at: string;
    z: number;
    posts: number;
    baseline: number;
  }[];
  suppressed: { cells?: number; phrases?: number; topics?: number };
  methods: Record<string, string>;
}

export interface DraftProblem {
  category: string;
  detector: string;
  score: number;
  start: number;
  end: number;
  text: string;
  suggestion: string;
}

export interface DraftCheck {
  problems: DraftProblem[];
  count: number;
}

export interface ExplainToken {
  kind: string;
  normalized: string;
  start: number;
  end: number;
  text: string;
  flags?: string[];
}

export interface ExplainFinding {
  detector: string;
  kind: string;
  category: string;
  score: number;
  flagged: boolean;
  reason: string;
  value?: string;
  spans: Span[];
}

export interface Explanation {
  normalized: string;
  shadow: string;
  truncated: boolean;
  tokens: ExplainToken[];
  findings: ExplainFinding[];
  scores: Record<string, number>;
  flag_threshold: number;
  action: string;
  categories: string[];
  policy_version: string;
  model_versions: Record<string, string>;
}

type Query = Record<string, string | number | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== "") params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export class Client {
  constructor(
    readonly key: string,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  async raw(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.key}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      res = await this.fetcher(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ApiError(0, `network error: ${(e as Error).message}`);
    }
    if (!res.ok) {
      let message = `HTTP ${res.status}`;
      let field: string | undefined;
      try {
        const j = (await res.json()) as { error?: string; field?: string };
        if (j.error) message = j.error;
        field = j.field;
      } catch {
        // not our JSON error body (e.g. a proxy's page): keep the status line
      }
      throw new ApiError(res.status, message, field);
    }
    return res;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.raw(method, path, body);
    return (await res.json()) as T;
  }

  queue(filter: Query) {
    return this.json<{ items: QueueItem[]; next_offset: number | null }>(
      "GET",
      withQuery("/v1/queue", filter),
    );
  }
  post(id: string) {
    return this.json<PostDetail>("GET", `/v1/posts/${encodeURIComponent(id)}`);
  }
  review(body: { post_id: string; outcome: string; category?: string; note?: string }) {
    return this.json<{ id: number }>("POST", "/v1/reviews", body);
  }
  appeals(query: { status?: string; limit?: number; offset?: number } = {}) {
    return this.json<{ items: Appeal[]; next_offset: number | null }>("GET", withQuery("/v1/appeals", query));
  }
  fileAppeal(body: { post_id: string; reason?: string }) {
    return this.json<{ id: number; status: string }>("POST", "/v1/appeals", body);
  }
  resolveAppeal(id: number, body: { outcome: string; note?: string }) {
    return this.json<{ id: number; status: string }>("POST", `/v1/appeals/${id}/resolve`, body);
  }
  claims() {
    return this.json<{ claims: Claim[] }>("GET", "/v1/claims");
  }
  putClaim(claim: Partial<Claim>) {
    const body: Record<string, string> = {};
    for (const [k, v] of Object.entries(claim)) if (v) body[k] = v;
    return this.json<{ id: string }>("POST", "/v1/claims", body);
  }
  transparency(from?: string, to?: string) {
    return this.json<Transparency>("GET", withQuery("/v1/reports/transparency", { from, to }));
  }
  async transparencyCsv(from?: string, to?: string): Promise<string> {
    const res = await this.raw(
      "GET",
      withQuery("/v1/reports/transparency", { from, to, format: "csv" }),
    );
    return res.text();
  }
  trends(query: Query) {
    return this.json<Trends>("GET", withQuery("/v1/trends", query));
  }
  check(text: string, lang: string) {
    return this.json<DraftCheck>("POST", "/v1/check", { text, lang });
  }
  explain(text: string) {
    return this.json<Explanation>("POST", "/v1/explain", { text });
  }

  // The key's role, found by calling endpoints that only some roles may call (the API has no
  // "who am I"); a 403 means "valid key, other role", a 401 means the key is not valid.
  async probeRole(): Promise<Role> {
    const status = async (method: string, path: string, body?: unknown) => {
      try {
        await this.raw(method, path, body);
        return 200;
      } catch (e) {
        if (e instanceof ApiError && e.status !== 0) return e.status;
        throw e;
      }
    };
    const queue = await status("GET", "/v1/queue?limit=1");
    if (queue === 401) throw new ApiError(401, "unknown or revoked API key");
    if (queue === 200) return "reviewer";
    if (queue === 429) throw new ApiError(429, "rate limit exceeded for this key");
    const report = await status("GET", "/v1/reports/transparency");
    if (report === 200) {
      // An empty claim is refused with 400 for an admin (nothing is written), 403 otherwise.
      const claim = await status("POST", "/v1/claims", {});
      return claim === 403 ? "analyst" : "admin";
    }
    return "ingest";
  }
}

// Splits `text` into code points: the API's spans count Unicode code points, JavaScript strings
// count UTF-16 units.
export function codePoints(text: string): string[] {
  return Array.from(text);
}
