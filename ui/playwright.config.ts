import { defineConfig } from "@playwright/test";

// Debian's Chromium, never a downloaded browser. The built UI is served by `vite preview`.
export default defineConfig({
  testDir: "e2e",
  reporter: [["list"]],
  outputDir: "../artifacts/playwright",
  use: {
    baseURL: "http://127.0.0.1:4173",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
    screenshot: "only-on-failure",
    // The most common office screen.
    viewport: { width: 1366, height: 768 },
  },
  webServer: {
    command: "npx vite preview --host 127.0.0.1 --port 4173 --strictPort",
    url: "http://127.0.0.1:4173",
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
