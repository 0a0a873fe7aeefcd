// The step that makes a master's kube-apiserver use a newly installed encryption configuration
// (a rotation of the encryption-at-rest keys, docs/security.md). Same form as scripts.ts:
// constant text, every parameter an argument, `set -euo pipefail`, checked by shellcheck.
//
// An apiserver started with `--encryption-provider-config-automatic-reload` (every master this
// library renders since the key list exists) reads the file again within a minute
// (k8s.io/apiserver's encryption config controller polls it every minute); the script waits for
// that reload in the apiserver's own metrics (`apiserver_encryption_config_controller_last_config_info`
// carries the sha256 of the file it loaded, at start and at each reload), so a file rewritten
// with the same content restarts nothing. An apiserver without the flag (a master made
// before) is restarted: its static pod's manifest moved out and back, as renew-certs.sh does.
// Either way it returns only once the local apiserver answers /readyz with the new file loaded,
// so the next master's step, and the next rotation step, start from a known state.

import { script, WAIT_APISERVER_STOPPED } from "./scripts";

/** Seconds the script waits for an automatic reload before it restarts the apiserver instead. */
export const RELOAD_WAIT_SECONDS = 150;

export const ENCRYPTION_SCRIPTS = {
    reloadEncryption: script("reload-encryption.sh",
        "Usage: reload-encryption.sh <apiserver port> <encryption config> <apiserver manifest> <kubeconfig>. Returns once the local kube-apiserver runs with <encryption config> as it is now (the digest its metrics report): already, reloaded (--encryption-provider-config-automatic-reload), or else restarted.", `
if [ "$#" -ne 4 ]; then
    sed -n 2p "$0" >&2
    exit 64
fi
port="$1" config="$2" manifest="$3" kubeconfig="$4"
want="sha256:$(sha256sum "$config" | cut -d' ' -f1)"
# The digest of the encryption configuration the local apiserver runs with: its own metric, set at
# start and at every reload (the sha256 of the file's bytes); empty when it does not answer.
loaded() {
    { timeout 15 kubectl --kubeconfig="$kubeconfig" --server="https://127.0.0.1:\${port}" --request-timeout=10s get --raw /metrics 2>/dev/null || true; } |
        sed -n -E 's/^apiserver_encryption_config_controller_last_config_info\\{.*hash="(sha256:[0-9a-f]{64})".*/\\1/p' | head -n 1
}
in_use() { [ "$(loaded)" = "$want" ]; }
ready() { curl -fsk -o /dev/null --max-time 2 "https://127.0.0.1:\${port}/readyz"; }

if in_use; then
    echo "reload-encryption: the apiserver already runs with $config"
    exit 0
fi
if grep -q -- '--encryption-provider-config-automatic-reload=true' "$manifest"; then
    for _ in $(seq 1 $(( ${RELOAD_WAIT_SECONDS} / 3 ))); do
        if in_use; then
            echo "reload-encryption: the apiserver reloaded $config"
            exit 0
        fi
        sleep 3
    done
    echo "reload-encryption: no reload of $config within ${RELOAD_WAIT_SECONDS} s; restarting the apiserver" >&2
fi
parked="$(mktemp -d)"
restore() {
    if [ -e "$parked/kube-apiserver.yaml" ]; then mv "$parked/kube-apiserver.yaml" "$(dirname "$manifest")/"; fi
    rmdir "$parked" 2>/dev/null || true
}
trap restore EXIT
trap 'exit 143' TERM INT
mv "$manifest" "$parked/"
${WAIT_APISERVER_STOPPED}
restore
for _ in $(seq 1 150); do
    if ready && in_use; then
        echo "reload-encryption: the apiserver restarted with $config"
        exit 0
    fi
    sleep 2
done
echo "reload-encryption: the local apiserver was not ready with $config within 300 s of its restart" >&2
exit 1
`),
} as const;
