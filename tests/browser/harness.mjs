// What the browser checks share: named checks that record a failure message instead of
// throwing, and Debian's chromium launched through playwright-core with a fresh profile and
// the flags that keep it from reaching any other host.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export function makeChecks() {
  const checks = {};
  async function check(name, fn) {
    try {
      const result = await fn();
      checks[name] = result === undefined ? true : result;
    } catch (error) {
      checks[name] = String(error && error.message ? error.message : error).split("\n")[0];
    }
  }
  return { checks, check };
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

// Returns {context, close}: close() shuts chromium and removes the profile.
export async function launchChromium(executablePath) {
  const userDataDir = mkdtempSync(join(tmpdir(), "kb-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: executablePath || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  async function close() {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
  return { context, close };
}

// Aborts (and records in `external`) every request that would leave `origin`.
export async function guardOrigin(context, origin, external) {
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === "data:" || url.protocol === "blob:" || url.origin === origin) return route.continue();
    external.push(route.request().url());
    return route.abort();
  });
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
}
