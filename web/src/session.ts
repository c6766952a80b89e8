// The signed-in key and its role. The key lives in sessionStorage: it is gone when the tab
// closes, and never written anywhere else.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { Client, type Role } from "./api";

export interface Session {
  client: Client;
  role: Role;
}

const kStorage = "tincay.session";

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(kStorage);
    if (!raw) return null;
    const { key, role } = JSON.parse(raw) as { key: string; role: Role };
    return { client: new Client(key), role };
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(kStorage, JSON.stringify({ key: s.client.key, role: s.role }));
  else sessionStorage.removeItem(kStorage);
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside a signed-in page");
  return s;
}

// Which pages each role may open (mirrors src/serve/access.cc; the server still decides).
export const PAGES = [
  { path: "/queue", key: "nav_queue", roles: ["reviewer"] },
  { path: "/appeals", key: "nav_appeals", roles: ["reviewer", "ingest"] },
  { path: "/claims", key: "nav_claims", roles: ["admin", "reviewer", "analyst"] },
  { path: "/trends", key: "nav_trends", roles: ["admin", "reviewer", "analyst"] },
  { path: "/transparency", key: "nav_transparency", roles: ["admin", "analyst"] },
  { path: "/playground", key: "nav_playground", roles: ["admin", "reviewer", "analyst"] },
  { path: "/check", key: "nav_check", roles: ["admin", "reviewer", "ingest"] },
] as const;

export function pagesFor(role: Role) {
  return PAGES.filter((p) => (p.roles as readonly string[]).includes(role));
}
