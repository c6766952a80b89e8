// Test helpers: a fake API (routes → JSON answers, every request recorded) and rendering a page
// inside the language and session contexts.
import { render } from "@testing-library/preact";
import type { ComponentChildren } from "preact";
import { Client, type Role } from "../api";
import { LangContext, translator, type Lang } from "../i18n";
import { SessionContext } from "../session";

export interface Call {
  method: string;
  url: string;
  body: unknown;
  auth: string;
}

export type Route = (call: Call) => { status?: number; body: unknown; text?: string } | undefined;

export function fakeFetch(route: Route) {
  const calls: Call[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const call: Call = {
      method: init?.method ?? "GET",
      url: String(input),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      auth: headers.Authorization ?? "",
    };
    calls.push(call);
    const answer = route(call) ?? { status: 404, body: { error: `no such endpoint: ${call.url}` } };
    const text = answer.text ?? JSON.stringify(answer.body);
    return new Response(text, { status: answer.status ?? 200 });
  }) as typeof fetch;
  return { fetcher, calls };
}

export function renderPage(ui: ComponentChildren, opts: { route: Route; role?: Role; lang?: Lang }) {
  const { fetcher, calls } = fakeFetch(opts.route);
  const client = new Client("tk_test", fetcher);
  const lang = opts.lang ?? "en";
  const result = render(
    <LangContext.Provider value={{ lang, t: translator(lang), setLang: () => {} }}>
      <SessionContext.Provider value={{ client, role: opts.role ?? "reviewer" }}>{ui}</SessionContext.Provider>
    </LangContext.Provider>,
  );
  return { ...result, calls, client };
}

export function decision(id: string, text: string, evidence: string) {
  const start = Array.from(text).join("").indexOf(evidence);
  const cpStart = Array.from(text.slice(0, start)).length;
  return {
    id,
    action: "review",
    categories: { scam: 0.6 },
    findings: [
      {
        category: "scam",
        detector: "rule:scam.job_lure",
        score: 0.6,
        evidence: [{ start: cpStart, end: cpStart + Array.from(evidence).length, text: evidence }],
        reason: `matched "${evidence}"`,
      },
    ],
    statement: {
      decision: "review",
      categories: ["scam"],
      grounds: ["rule:scam.job_lure"],
      facts_and_circumstances: `scam 0.60 by rule:scam.job_lure at "${evidence}"`,
      automated_detection: true,
      automated_decision: "partially",
      redress: "appeal: a reviewer other than the one who decided re-examines the post",
    },
    policy_version: "tincay-policy-test",
    model_versions: {},
  };
}
