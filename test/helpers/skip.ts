// Tests that need root, network namespaces or Debian programs skip with a reason on machines
// without them, but fail on CI (.ci/run sets KUBEADM_HA_CI=1 after installing everything):
// CI must never skip what it can install.

import { spawnSync } from "node:child_process";

export const ON_CI = process.env.KUBEADM_HA_CI === "1";

/** Skips the current test or hook (printing why) when `why` is set; on CI this is a failure. */
export function skipUnless(ctx: Mocha.Context, why: string | undefined): void {
    if (!why) {
        return;
    }
    if (ON_CI) {
        throw new Error(`cannot run on CI: ${why}`);
    }
    console.log(`      skipped: ${why}`);
    ctx.skip();
}

/** Why the given programs cannot be used here, if any is missing. */
export function missingPrograms(...programs: string[]): string | undefined {
    const missing = programs.filter((p) => spawnSync("sh", ["-c", `command -v ${p}`]).status !== 0);
    return missing.length > 0 ? `${missing.join(", ")} not installed (.ci/run installs them from Debian)` : undefined;
}
