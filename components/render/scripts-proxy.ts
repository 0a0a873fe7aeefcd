// The step that makes a proxy over the masters follow them (the `<node>-proxy-backends` commands of
// ClusterJoin, docs/node-lifecycle.md): a worker's node-local proxy or an LB machine's HAProxy gets
// the configuration with every master as a backend and reads it without dropping a connection.
// Same form as scripts.ts: constant text, every parameter an argument, checked by shellcheck.

import { PATHS } from "./context";
import { upgradeScript } from "./scripts-upgrade";

/** proxy-backends.sh: on stdin; its arguments from `followMasters`. */
export const PROXY_BACKENDS = upgradeScript("proxy-backends.sh",
    "Usage: proxy-backends.sh <config file> <container:<name>:<USR2|HUP> | unit:<name>> <health port> <the config, base64>. On a machine that balances over the masters (an LB machine, a worker's node-local proxy), when the masters change: writes the proxy's configuration and makes the running proxy read it without dropping connections (a container's main process signalled: HAProxy in master-worker mode reloads on SIGUSR2, nginx on SIGHUP; a unit reloaded, which checks the file first); done once it answers on its health port. A reload that fails puts the previous file back. Nothing changes where the file is the same.", `
if [ "$#" -ne 4 ]; then
    usage
    exit 64
fi
file="$1" how="$2" port="$3"
IFS=: read -r kind name signal <<<"$how"
case "$kind:\${signal:-}" in container:USR2|container:HUP|unit:) ;; *) usage; exit 64 ;; esac
printf '%s' "$4" | base64 -d > "$file.next"
if cmp -s "$file.next" "$file"; then
    rm -f "$file.next"
    echo "$me: $file is unchanged"
    exit 0
fi
chmod 0644 "$file.next"
cp -p "$file" "$file.previous"
mv "$file.next" "$file"
put_back() {
    mv "$file.previous" "$file"
    echo "$me: $1; $file is back as it was" >&2
    exit 1
}
if [ "$kind" = unit ]; then
    systemctl reload "$name" || put_back "systemctl reload $name failed (journalctl -u $name)"
else
    cri=(crictl --runtime-endpoint ${PATHS.criSocket})
    id="$("\${cri[@]}" ps -q --state running --name "^$name\\$" | head -n 1)"
    if [ -z "$id" ]; then
        rm -f "$file.previous"
        echo "$me: no $name container runs: the kubelet starts it with the new $file"
        exit 0
    fi
    pid="$("\${cri[@]}" inspect --output go-template --template '{{.info.pid}}' "$id")"
    kill -s "$signal" "$pid"
fi
for _ in $(seq 1 60); do
    sleep 1
    if curl -sf --max-time 2 "http://127.0.0.1:$port/healthz" > /dev/null; then
        rm -f "$file.previous"
        echo "$me: $name reloaded $file"
        exit 0
    fi
done
put_back "$name does not answer on 127.0.0.1:$port/healthz 60 s after the reload"
`);
