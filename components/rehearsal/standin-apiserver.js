// A STAND-IN for kube-apiserver, used by the tests only: no kube-apiserver binary is available
// here. It serves /healthz, /readyz and /version over HTTPS so load-balancer configurations can
// be exercised end to end. It is not an apiserver and implements nothing else.
//
// node standin-apiserver.js <name> <cert> <key> <host> <port>
"use strict";

const https = require("node:https");
const fs = require("node:fs");

const [name, certFile, keyFile, host, port] = process.argv.slice(2);
const server = https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, (req, res) => {
    if (req.url === "/healthz" || req.url === "/readyz") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
    } else if (req.url === "/version") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ gitVersion: "stand-in", servedBy: name }));
    } else {
        res.writeHead(404);
        res.end();
    }
});
server.listen(Number(port), host);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
