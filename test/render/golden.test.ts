import { assertGoldenDir } from "../helpers/golden";
import { allStacks } from "../helpers/rendered";

describe("golden files: one node of every role of every stack", () => {
    for (const s of allStacks()) {
        const seen = new Set<string>();
        for (const b of s.bundles) {
            // The init master differs from joining masters: keep one of each.
            const role = b.node.pool ? `worker:${b.node.pool}` : b.node.role === "master" && seen.has("master") ? "master-join" : b.node.role;
            if (seen.has(role)) {
                continue;
            }
            seen.add(role);
            it(`${s.stack}: ${b.node.name} (${role})`, () => {
                const files = new Map<string, string>([["user-data.yaml", b.userData]]);
                for (const f of b.files.filter((x) => x.secret)) {
                    files.set(`secret${f.path}`, f.content);
                }
                assertGoldenDir(`${s.stack}/${b.node.name}`, files);
            });
        }
    }
});
