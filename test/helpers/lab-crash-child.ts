// Builds a small lab with a running process, prints its prefix, then waits to be killed
// (bounded: it exits on its own after 60 s). Used by test/lab.test.ts.
import { Lab } from "../../lab/lab";

const lab = Lab.create("10.250.0.0/24");
const sleeper = lab.addHost("a", "10.250.0.1").spawn("sleeper", "sleep", ["300"]);
lab.addHost("b", "10.250.0.2");
process.stdout.write(`${lab.prefix} ${sleeper.pid}\n`);
setTimeout(() => process.exit(0), 60_000);
