// A small client-side router over the History API: `tincay serve` answers index.html for every
// dashboard path (src/serve/static_files.cc), so /queue or /posts/ID can be reloaded or shared.
import { useEffect, useState } from "preact/hooks";

const kEvent = "tincay:navigate";

export function navigate(path: string): void {
  if (path === location.pathname + location.search) return;
  history.pushState(null, "", path);
  window.dispatchEvent(new Event(kEvent));
}

export function useLocation(): { path: string; query: URLSearchParams } {
  const read = () => ({ path: location.pathname, query: new URLSearchParams(location.search) });
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const update = () => setLoc(read());
    window.addEventListener("popstate", update);
    window.addEventListener(kEvent, update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener(kEvent, update);
    };
  }, []);
  return loc;
}

// Matches "/posts/:id" against a path; the named segments come back decoded.
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const s = path.split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) {
      try {
        params[p[i].slice(1)] = decodeURIComponent(s[i]);
      } catch {
        return null;
      }
    } else if (p[i] !== s[i]) {
      return null;
    }
  }
  return params;
}
