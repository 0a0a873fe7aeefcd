import type { Lab } from "../../lab/lab";

/**
 * Mocha hooks for a suite that owns a lab: print the daemons' log tails when a test fails, and
 * destroy the lab at the end, checking that nothing of it is left.
 */
export function labHooks(current: () => Lab | undefined): void {
    afterEach(function () {
        if (this.currentTest?.state === "failed") {
            console.log(current()?.logTails() ?? "");
        }
    });
    after(() => {
        const lab = current();
        lab?.destroy();
        const left = lab?.leftovers() ?? [];
        if (left.length > 0) {
            throw new Error(`namespaces left behind: ${left.join(", ")}`);
        }
    });
}
