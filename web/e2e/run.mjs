// End-to-end tests of the dashboard: a real `tincay serve` on a database seeded with the bundled
// sample, driven by Debian's chromium through playwright-core (no browser download). Each step
// checks what a user sees against what the API says, and writes a screenshot of the page.
//
//   node e2e/run.mjs --tincay BIN --source DIR --web-root DIR --out DIR [--chromium PATH]
//
// Exit status: 0 all steps passed, 1 a step failed, 77 chromium is missing (ctest: skipped).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import assert from "node:assert/strict";

function parseArgs(argv) {
  const args = { chromium: "/usr/bin/chromium" };
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith("--") || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    args[argv[i].slice(2).replace(/-/g, "_")] = argv[i + 1];
  }
  for (const k of ["tincay", "source", "web_root", "out"]) {
    if (!args[k]) throw new Error(`missing --${k.replace(/_/g, "-")}`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
if (!existsSync(args.chromium)) {
  console.log(`web e2e skipped: no chromium at ${args.chromium} (scripts/setup-deps installs it)`);
  process.exit(77);
}
const { chromium } = await import("playwright-core");

mkdirSync(args.out, { recursive: true });
const work = mkdtempSync(join(tmpdir(), "tincay-web-e2e-"));
const db = join(work, "t.db");

function tincay(...argv) {
  const r = spawnSync(args.tincay, argv, { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0 && r.status !== 3) {
    const how = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`;
    throw new Error(`tincay ${argv.join(" ")}: ${how}: ${r.stderr}`);
  }
  return { out: r.stdout, err: r.stderr };
}

function createKey(role) {
  const { out, err } = tincay("keys", "create", "--db", db, "--role", role, "--label", `e2e-${role}`);
  const lines = out.trim().split("\n");
  const key = lines[lines.length - 1].trim();
  const id = Number(/created key (\d+)/.exec(out + err)?.[1] ?? NaN);
  assert.match(key, /^tk_[0-9a-f]{64}$/);
  return { key, id };
}

// Seed: a fact-checked claim that a sample post repeats, the bundled sample, and one key per
// role (two reviewers: an appeal goes to another one).
const seededClaim = {
  id: "e2e-ion-water",
  claim: "Nước ion kiềm chữa được mọi bệnh, kể cả ung thư",
  verdict: "false",
  fact_checker: "Kiểm chứng E2E",
  source_url: "https://example.org/fact-check/ion-water",
};
writeFileSync(join(work, "claims.jsonl"), `${JSON.stringify(seededClaim)}\n`);
tincay("claims", "import", join(work, "claims.jsonl"), "--db", db);
tincay("scan", join(args.source, "examples/posts.jsonl"), "--db", db, "--data-dir", args.source, "--out", join(work, "decisions.jsonl"));
const decisions = readFileSync(join(work, "decisions.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l));
const withDetector = (prefix) => decisions.find((d) => d.findings.some((f) => f.detector.startsWith(prefix)));
const keys = {
  reviewer: createKey("reviewer"),
  reviewer2: createKey("reviewer"),
  analyst: createKey("analyst"),
  admin: createKey("admin"),
};

async function startServer() {
  const log = createWriteStream(join(args.out, "serve.log"));
  const proc = spawn(args.tincay, ["serve", "--db", db, "--listen", "127.0.0.1:0", "--data-dir", args.source, "--web-root", args.web_root], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  proc.stderr.pipe(log);
  const lines = createInterface({ input: proc.stdout });
  const base = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("tincay serve did not print its address within 60 s")), 60000);
    proc.on("exit", (code) => reject(new Error(`tincay serve exited ${code} (see serve.log)`)));
    lines.on("line", (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  return { proc, base };
}

const server = await startServer();
const base = server.base;

async function api(key, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text.startsWith("{") ? JSON.parse(text) : null, text };
}

const openapi = await (await fetch(`${base}/v1/openapi.json`)).json();
const documented = (method, path) => Boolean(openapi.paths?.[path]?.[method]);

const browser = await chromium.launch({ executablePath: args.chromium, headless: true, args: ["--disable-gpu", "--no-sandbox"] });
const context = await browser.newContext({ locale: "vi-VN", viewport: { width: 1280, height: 900 }, acceptDownloads: true });
context.setDefaultTimeout(20000);
const page = await context.newPage();
const pageErrors = [];
page.on("pageerror", (e) => pageErrors.push(`page error: ${e.message}`));
page.on("console", (m) => {
  if (m.type() === "error" && /Content Security Policy|Refused to/.test(m.text())) pageErrors.push(`CSP: ${m.text()}`);
});

let shot = 0;
async function screenshot(name) {
  shot += 1;
  await page.screenshot({ path: join(args.out, `${String(shot).padStart(2, "0")}-${name}.png`), fullPage: true });
}

// Every form control on the page has a label a screen reader announces, and text is readable.
async function assertAccessible() {
  const unlabelled = await page.$$eval("input, select, textarea", (els) =>
    els
      .filter((e) => e.type !== "hidden")
      .filter((e) => !(e.labels && e.labels.length > 0) && !e.getAttribute("aria-label") && !e.getAttribute("aria-labelledby"))
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unlabelled, [], "every control has a label");
  // Text contrast (WCAG AA): 4.5:1, or 3:1 for large text, against the nearest opaque background.
  const lowContrast = await page.evaluate(() => {
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] === 1)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const bad = [];
    for (const el of document.querySelectorAll("body *")) {
      if (el.closest("svg") || el.closest("[disabled]") || el.getClientRects().length === 0) continue;
      const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
      if (!hasText) continue;
      const style = getComputedStyle(el);
      const fg = rgb(style.color).slice(0, 3);
      const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) bad.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
    }
    return bad;
  });
  assert.deepEqual(lowContrast, [], "readable contrast");
}

async function signIn(key, expectedRole) {
  await page.goto(`${base}/`);
  await page.fill("#api-key", key);
  await page.click("form button[type=submit]");
  await page.waitForSelector(`[data-role="${expectedRole}"]`);
}

async function signOut() {
  await page.click("header .top-right > button");
  await page.waitForSelector("#api-key");
}

const results = [];
async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e.stack ?? e}`);
    await screenshot(`FAILED-${name.replace(/\W+/g, "-")}`).catch(() => {});
    throw e;
  }
}

let reviewedPost = "";
let appealId = 0;

try {
  await step("the dashboard is served at / and refuses an unknown key", async () => {
    const res = await page.goto(`${base}/`);
    assert.equal(res.status(), 200);
    assert.equal(await page.title(), "tincay");
    assert.equal(await page.getAttribute("html", "lang"), "vi", "Vietnamese by default for a vi-VN browser");
    await page.fill("#api-key", `tk_${"0".repeat(64)}`);
    await page.click("form button[type=submit]");
    const alert = await page.waitForSelector("[role=alert]");
    assert.match(await alert.textContent(), /unknown or revoked API key/);
    await assertAccessible();
    await screenshot("sign-in");
  });

  await step("a reviewer signs in and reviews a post from the queue by keyboard", async () => {
    await signIn(keys.reviewer.key, "reviewer");
    assert.equal(new URL(page.url()).pathname, "/queue");
    const queue = (await api(keys.reviewer.key, "GET", "/v1/queue?limit=50")).json;
    assert.ok(queue.items.length > 0, "the seeded sample puts posts in the queue");
    await page.waitForSelector("[role=option]");
    assert.equal(await page.locator("[role=option]").count(), queue.items.length);
    // The first post in the queue whose decision quotes evidence.
    let index = -1;
    let evidence = "";
    for (let i = 0; i < queue.items.length && index < 0; i++) {
      const detail = (await api(keys.reviewer.key, "GET", `/v1/posts/${encodeURIComponent(queue.items[i].post_id)}`)).json;
      const f = detail.decision.findings.find((x) => x.evidence?.length > 0);
      if (f) {
        index = i;
        evidence = f.evidence[0].text;
      }
    }
    assert.ok(index >= 0, "some queued post has evidence");
    reviewedPost = queue.items[index].post_id;
    await page.focus("[role=listbox]");
    for (let i = 0; i < index; i++) await page.keyboard.press("j");
    await page.waitForSelector(`[role=option][aria-selected=true][data-post-id="${reviewedPost}"]`);
    await page.waitForFunction((id) => document.querySelector(".queue-detail a code")?.textContent === id, reviewedPost);
    const marks = await page.locator(".queue-detail mark.evidence").allTextContents();
    assert.ok(marks.some((m) => evidence.includes(m) || m.includes(evidence)), `evidence "${evidence}" is marked (marks: ${marks.join(" | ")})`);
    await page.waitForSelector("#statement-h");
    await assertAccessible();
    await screenshot("queue");
    await page.keyboard.press("u");
    await page.waitForFunction((id) => document.querySelector("[data-testid=queue-status]")?.textContent?.includes(id), reviewedPost);
    assert.equal(await page.locator(`[role=option][data-post-id="${reviewedPost}"]`).count(), 0, "the decided post leaves the queue");
    const after = (await api(keys.reviewer.key, "GET", `/v1/posts/${encodeURIComponent(reviewedPost)}`)).json;
    assert.equal(after.reviews.length, 1);
    assert.equal(after.reviews[0].outcome, "uphold");
    assert.equal(after.reviews[0].reviewer_key_id, keys.reviewer.id);
  });

  await step("the queue filters by action", async () => {
    await page.selectOption("#f-action", "remove");
    await page.click(".filters button[type=submit]");
    const expected = (await api(keys.reviewer.key, "GET", "/v1/queue?limit=50&action=remove")).json.items.length;
    await page.waitForFunction((n) => document.querySelectorAll("[role=option]").length === n, expected);
    const badges = await page.locator("[role=option] .badge").evaluateAll((els) => els.map((e) => e.className));
    assert.ok(badges.every((c) => c.includes("action-remove")), "only posts the policy would remove");
  });

  await step("the post detail shows findings, cluster, claims; the reviewer files an appeal", async () => {
    // A direct load of a client route: the server answers index.html.
    await page.goto(`${base}/posts/${encodeURIComponent(reviewedPost)}`);
    const detail = (await api(keys.reviewer.key, "GET", `/v1/posts/${encodeURIComponent(reviewedPost)}`)).json;
    await page.waitForSelector("table.findings tbody tr");
    assert.equal(await page.locator("table.findings tbody tr").count(), detail.decision.findings.length);
    await page.waitForSelector("[data-testid=cluster]");
    await page.waitForSelector("[data-testid=matched-claims]");
    await page.waitForSelector('[data-review-outcome="uphold"]');
    await page.fill("#pd-appeal-reason", "Tôi chỉ chia sẻ thông tin tuyển dụng thật");
    await page.click('form[aria-labelledby="file-appeal-h"] button[type=submit]');
    await page.waitForSelector("[data-appeal-status=open]");
    const appeals = (await api(keys.reviewer.key, "GET", `/v1/posts/${encodeURIComponent(reviewedPost)}`)).json.appeals;
    assert.equal(appeals.length, 1);
    assert.equal(appeals[0].status, "open");
    appealId = appeals[0].id;
    await assertAccessible();
    await screenshot("post-detail");
  });

  await step("the post detail shows a near-duplicate cluster and a matched claim", async () => {
    const dup = withDetector("dup:");
    const claimed = withDetector(`claim:${seededClaim.id}`);
    assert.ok(dup, "the sample has near-duplicates");
    assert.ok(claimed, "a sample post repeats the seeded claim");
    await page.goto(`${base}/posts/${encodeURIComponent(dup.id)}`);
    const cluster = dup.findings.find((f) => f.detector.startsWith("dup:")).detector.slice(4);
    await page.waitForFunction((c) => document.querySelector("[data-testid=cluster]")?.textContent?.includes(c), cluster);
    await page.goto(`${base}/posts/${encodeURIComponent(claimed.id)}`);
    const section = page.locator("[data-testid=matched-claims]");
    await section.locator(`a[href="${seededClaim.source_url}"]`).waitFor();
    assert.match(await section.textContent(), /Nước ion kiềm chữa được mọi bệnh/);
    assert.equal(await section.locator(".verdict-false").count(), 1);
    await screenshot("post-claim");
    await page.goto(`${base}/posts/${encodeURIComponent(reviewedPost)}`);
    await page.waitForSelector(`[data-appeal-id="${appealId}"]`);
  });

  await step("the reviewer who decided cannot resolve the appeal", async () => {
    await page.click(`[data-appeal-id="${appealId}"] .resolve button:nth-child(2)`);
    const alert = await page.waitForSelector(`[data-appeal-id="${appealId}"] [role=alert]`);
    assert.equal(await alert.getAttribute("data-error-kind"), "forbidden");
    const appeals = (await api(keys.reviewer.key, "GET", `/v1/posts/${encodeURIComponent(reviewedPost)}`)).json.appeals;
    assert.equal(appeals[0].status, "open");
  });

  await step("the language switches between Vietnamese and English", async () => {
    const vi = await page.locator("main h1").textContent();
    await page.click('.lang-switch button[lang="en"]');
    await page.waitForFunction(() => document.documentElement.lang === "en");
    const en = await page.locator("main h1").textContent();
    assert.notEqual(vi, en);
    assert.match(en, /^Post /);
    assert.match(vi, /^Bài đăng /);
  });

  await step("another reviewer resolves the appeal from the open appeals", async () => {
    await signOut();
    await signIn(keys.reviewer2.key, "reviewer");
    await page.click('nav a[href="/appeals"]');
    const open = 'section[aria-labelledby="open-h"]';
    const card = `${open} [data-appeal-id="${appealId}"][data-appeal-status=open]`;
    await page.waitForSelector(card);
    assert.ok((await page.locator(card).textContent()).includes(reviewedPost), "the card names its post");
    await page.fill(`${card} .resolve input`, "Bài đăng là tin tuyển dụng hợp lệ");
    await assertAccessible();
    await page.click(`${card} .resolve button:nth-child(2)`);
    await page.waitForSelector(`${open} [data-appeal-id="${appealId}"]`, { state: "detached" });
    await page.fill("#appeal-lookup", reviewedPost);
    await page.click('form.inline-form button[type=submit]');
    await page.waitForSelector(`[data-appeal-id="${appealId}"][data-appeal-status=reversed]`);
    const appeal = (await api(keys.reviewer2.key, "GET", `/v1/posts/${encodeURIComponent(reviewedPost)}`)).json.appeals[0];
    assert.equal(appeal.status, "reversed");
    assert.equal(appeal.resolver_key_id, keys.reviewer2.id);
    await screenshot("appeals");
  });

  await step("the rule playground shows what fires, with spans", async () => {
    const text = "Tuyển CTV việc nhẹ lương cao, ib ngay 0912 345 678";
    await page.click('nav a[href="/playground"]');
    await page.fill("#pg-text", text);
    await page.click("form.card button[type=submit]");
    if (documented("post", "/v1/explain")) {
      const expected = (await api(keys.reviewer2.key, "POST", "/v1/explain", { text })).json;
      assert.ok(expected.findings.length > 0, "the sample text fires some detector");
      await page.waitForSelector("tr[data-detector]");
      assert.equal(await page.locator("tr[data-detector]").count(), expected.findings.length);
      const spans = expected.findings.flatMap((f) => f.spans);
      if (spans.length > 0) assert.ok((await page.locator(".post-text mark").count()) > 0, "spans are marked");
      assert.equal(await page.locator("[data-testid=normalized]").textContent(), expected.normalized);
    } else {
      const alert = await page.waitForSelector("[role=alert]");
      assert.equal(await alert.getAttribute("data-error-kind"), "unavailable");
    }
    await assertAccessible();
    await screenshot("playground");
  });

  await step("check before posting points at the problems of a draft", async () => {
    const text = "Đồ ngu, số điện thoại của nó là 0912 345 678, gọi mà chửi";
    await page.click('nav a[href="/check"]');
    await page.fill("#check-text", text);
    await page.click("form.card button[type=submit]");
    if (documented("post", "/v1/check")) {
      const expected = (await api(keys.reviewer2.key, "POST", "/v1/check", { text, lang: "en" })).json;
      await page.waitForSelector("#check-result-h");
      assert.equal(await page.locator("ul.problems li").count(), expected.count);
      if (expected.count > 0) assert.ok((await page.locator(".post-text mark").count()) > 0);
    } else {
      const alert = await page.waitForSelector("[role=alert]");
      assert.equal(await alert.getAttribute("data-error-kind"), "unavailable");
    }
    await assertAccessible();
    await screenshot("check");
  });

  await step("an administrator adds, searches and imports claims", async () => {
    await signOut();
    await signIn(keys.admin.key, "admin");
    await page.click('nav a[href="/claims"]');
    await page.fill("#claim-id", "e2e-claim-1");
    await page.fill("#claim-claim", "Uống nước chanh nóng chữa khỏi ung thư");
    await page.selectOption("#claim-verdict", "false");
    await page.fill("#claim-fact_checker", "Kiểm chứng E2E");
    await page.fill("#claim-source_url", "https://example.org/fact-check/1");
    await page.click('form[aria-labelledby="add-claim-h"] button[type=submit]');
    await page.waitForSelector('[data-claim-id="e2e-claim-1"]');
    const jsonl = [
      { id: "e2e-claim-2", claim: "Sóng 5G làm lây lan virus", verdict: "false", fact_checker: "E2E", source_url: "https://example.org/2" },
      { id: "e2e-claim-3", claim: "Ăn tỏi sống phòng được mọi bệnh", verdict: "misleading", fact_checker: "E2E", source_url: "https://example.org/3" },
    ]
      .map((c) => JSON.stringify(c))
      .join("\n");
    await page.fill("#import-text", `${jsonl}\n{broken\n`);
    await page.click('form[aria-labelledby="import-h"] button[type=submit]');
    await page.waitForSelector('form[aria-labelledby="import-h"] [role=status]');
    assert.match(await page.locator('form[aria-labelledby="import-h"] [role=status]').textContent(), /2\D+1/);
    await page.fill("#claims-search", "toi song");  // diacritics ignored: "tỏi sống"
    await page.waitForFunction(() => document.querySelectorAll("[data-claim-id]").length === 1);
    assert.equal(await page.getAttribute("[data-claim-id]", "data-claim-id"), "e2e-claim-3");
    const ids = (await api(keys.admin.key, "GET", "/v1/claims")).json.claims.map((c) => c.id);
    for (const id of ["e2e-claim-1", "e2e-claim-2", "e2e-claim-3"]) assert.ok(ids.includes(id), id);
    await page.fill("#claims-search", "");
    await assertAccessible();
    await screenshot("claims");
  });

  await step("an analyst opens the transparency report and downloads its CSV", async () => {
    await signOut();
    await signIn(keys.analyst.key, "analyst");
    assert.equal(await page.locator('nav a[href="/queue"]').count(), 0, "an analyst has no review queue");
    await page.click('nav a[href="/transparency"]');
    await page.waitForSelector('[data-stat="decisions"]');
    const from = await page.inputValue("#tr-from");
    const to = await page.inputValue("#tr-to");
    const report = (await api(keys.analyst.key, "GET", `/v1/reports/transparency?from=${from}&to=${to}`)).json;
    assert.ok(report.decisions > 0);
    assert.equal(await page.locator('[data-stat="decisions"] .stat-value').textContent(), String(report.decisions));
    assert.equal(await page.locator('[data-stat="human"] .stat-value').textContent(), String(report.human.total));
    assert.equal(await page.locator('[data-stat="appeals"] .stat-value').textContent(), String(report.appeals.filed));
    assert.ok(report.human.total >= 1 && report.appeals.reversed >= 1, "the review and the reversed appeal are counted");
    assert.ok((await page.locator("figure.chart svg").count()) >= 3, "the report is drawn as charts");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(".filters button.primary")]);
    const csv = readFileSync(await download.path(), "utf8");
    assert.match(csv, /^section,key,subkey,value\n/);
    assert.ok(csv.includes(`decisions,total,,${report.decisions}\n`), "the CSV has the same numbers");
    assert.match(download.suggestedFilename(), /^tincay-transparency-.*\.csv$/);
    await assertAccessible();
    await screenshot("transparency");
  });

  await step("the analyst opens the trends", async () => {
    await page.click('nav a[href="/trends"]');
    if (documented("get", "/v1/trends")) {
      // The period of the bundled sample, so the charts have something to draw.
      const dates = readFileSync(join(args.source, "examples/posts.jsonl"), "utf8")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l).created_at)
        .filter(Boolean)
        .map((d) => new Date(d).getTime());
      const from = new Date(Math.min(...dates)).toISOString().slice(0, 10);
      const to = new Date(Math.max(...dates) + 2 * 86400000).toISOString().slice(0, 10);
      await page.fill("#tr-from", from);
      await page.fill("#tr-to", to);
      await page.click(".filters button[type=submit]");
      const expected = await api(keys.analyst.key, "GET", `/v1/trends?bucket=day&from=${from}&to=${to}`);
      assert.equal(expected.status, 200, `GET /v1/trends answered ${expected.status}: ${expected.text}`);
      // The page shows the period the server answered for this query.
      await page.waitForFunction((f) => document.querySelector("main p.muted")?.textContent?.includes(f), expected.json.from);
      await page.waitForSelector("#emerging-h");
      const volumeCells = expected.json.volume.total.filter((v) => v !== null).length;
      const volume = page.locator("figure.chart").first();
      if (volumeCells > 0) {
        assert.equal(await volume.locator('g[data-series]').first().locator("circle").count(), volumeCells, "one point per shown cell");
      } else {
        assert.equal(await volume.locator("svg").count(), 0, "nothing drawn when every cell is withheld");
      }
      assert.equal(await page.locator("#emerging-h + table tbody tr").count(), expected.json.emerging.length);
    } else {
      const alert = await page.waitForSelector("[role=alert]");
      assert.equal(await alert.getAttribute("data-error-kind"), "unavailable");
    }
    await assertAccessible();
    await screenshot("trends");
  });

  await step("no script error or content-security-policy violation on any page", async () => {
    assert.deepEqual(pageErrors, []);
  });
} catch {
  // reported by step()
} finally {
  await browser.close().catch(() => {});
  server.proc.kill("SIGTERM");
  if (server.proc.exitCode === null) await new Promise((r) => server.proc.once("exit", r));
  rmSync(work, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
writeFileSync(join(args.out, "results.json"), JSON.stringify(results, null, 2));
console.log(`${results.length - failed}/${results.length} steps passed; screenshots in ${args.out}`);
process.exit(failed === 0 && results.length > 0 ? 0 : 1);
