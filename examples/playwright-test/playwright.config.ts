import { defineConfig } from "@playwright/test";

// TPC_MOCK_CHROMIUM: a Chromium to drive (CI uses Debian's); else Playwright's own browsers.
const chromium = process.env.TPC_MOCK_CHROMIUM;

export default defineConfig({
  testDir: "tests",
  reporter: "list",
  webServer: [
    {
      // The emulator, fresh for the run; ready once its control API answers.
      command: "tpc-mock serve --in-memory --port 8765",
      url: "http://127.0.0.1:8765/__mock/fixtures",
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
      // The front end under test, on another origin (one tpc-mock allows by default).
      command: "node front-end.mjs",
      url: "http://127.0.0.1:5173/",
      reuseExistingServer: !process.env.CI,
    },
  ],
  use: {
    launchOptions: chromium ? { executablePath: chromium, args: ["--no-sandbox"] } : {},
  },
});
