import { readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { sendFailure, sendText } from "./http-util.js";

/** Where the dashboard's build lands in the agentwatch repository (`apps/dashboard/dist`). */
export function defaultDashboardDir(): string {
  // src/ or dist/ of packages/server → the repository root → apps/dashboard/dist
  return fileURLToPath(new URL("../../../apps/dashboard/dist/", import.meta.url));
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

/** The page's content security policy: only its own scripts, styles and connections. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function notBuiltPage(dir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>agentwatch: dashboard not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The agentwatch dashboard is not built</h1>
<p>No <code>index.html</code> in <code>${escapeHtml(dir)}</code>.</p>
<p>Build it from the repository root with <code>pnpm --filter @agentwatch/dashboard build</code>
(or <code>pnpm build</code>), or start the server with <code>dashboardDir</code> pointing at a build.</p>
<p>The API works without it: <a href="/api/summaries">/api/summaries</a>,
<a href="/healthz">/healthz</a>, <a href="/metrics">/metrics</a>, and the WebSocket
<code>/ws/agent_summaries</code>.</p>
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Serves the built dashboard: `index.html` at `/`, hashed assets cached for a year. */
export class DashboardFiles {
  readonly dir: string;

  constructor(dir: string | undefined) {
    this.dir = resolve(dir ?? defaultDashboardDir());
  }

  /** Answers a GET or HEAD for `pathname`: the file, a 404, or a 503 page when nothing is built. */
  async serve(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void> {
    const notFound = () =>
      sendFailure(request, response, {
        status: 404,
        code: "NOT_FOUND",
        message: `no such file ${JSON.stringify(pathname)}`,
      });
    let relative: string;
    try {
      relative = decodeURIComponent(pathname === "/" ? "/index.html" : pathname);
    } catch {
      notFound();
      return;
    }
    const path = resolve(join(this.dir, relative));
    if (relative.includes("\0") || (path !== this.dir && !path.startsWith(this.dir + sep))) {
      notFound();
      return;
    }
    const body = await readRegularFile(path);
    if (body === undefined) {
      if (relative === "/index.html") {
        sendText(request, response, 503, "text/html; charset=utf-8", notBuiltPage(this.dir), {
          "Cache-Control": "no-store",
        });
        return;
      }
      notFound();
      return;
    }
    const immutable = relative.startsWith("/assets/");
    sendText(
      request,
      response,
      200,
      CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream",
      body,
      {
        "Cache-Control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
        "Content-Security-Policy": DASHBOARD_CSP,
      },
    );
  }
}

async function readRegularFile(path: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return await readFile(path);
  } catch {
    return undefined;
  }
}
