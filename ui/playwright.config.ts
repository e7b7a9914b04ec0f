import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser. The built UI is served by `vite preview`
// (on ZKDESK_PW_PORT when several checkouts run their suites on one machine).
const port = Number(process.env.ZKDESK_PW_PORT ?? 4173);
export default defineConfig({
  testDir: "e2e",
  reporter: [["list"]],
  outputDir: "../artifacts/playwright",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
    screenshot: "only-on-failure",
    // The most common office screen.
    viewport: { width: 1366, height: 768 },
  },
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: `http://127.0.0.1:${port}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
