// Installed from the repository folder (file:sdks/tencentcloud) the SDK is TypeScript only, so it
// is compiled here; installed from its packed tarball it ships bin/ already and nothing runs.
const { existsSync } = require("node:fs");
const { execFileSync } = require("node:child_process");
const path = require("node:path");

if (!existsSync(path.join(__dirname, "bin", "index.js"))) {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", __dirname], { stdio: "inherit" });
}
