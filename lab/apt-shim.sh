#!/usr/bin/env bash
# The lab's apt-get and apt-mark for the Kubernetes packages (no package archive is reachable;
# lab-differences.ts says so): `apt-get update` reads the repository line install-kubernetes.sh
# wrote (…/v1.<minor>/deb/), `apt-get install kubeadm=<version>-* …` installs a release only from
# that minor's repository and changes a held package only with --allow-change-held-packages, as
# apt does (exit 100 otherwise); installing points $LAB_LIB/pkg/<name> at the built program of
# that release. `apt-mark hold|unhold|showhold` keeps the holds. Other packages are refused.
#
# Set up first with `apt-shim.sh archive RELEASES_DIR APT_BASE MINOR`: what install-kubernetes.sh
# leaves before it installs (the repository line of the minor), the archive, apt-get and apt-mark.
set -euo pipefail

state=/var/lib/kubeadm-ha-lab/apt
pkg_dir=/usr/local/lib/kubeadm-ha-lab/pkg
list=/etc/apt/sources.list.d/kubernetes.list
if [ "$(basename "$0") ${1:-}" = "apt-shim.sh archive" ]; then
    install -d -m 0755 "$(dirname "$list")" /etc/apt/keyrings
    echo "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] ${3%/}/v$4/deb/ /" > "$list"
    install -d "$pkg_dir" "$state"
    echo "$2" > "$state/releases"
    for p in apt-get apt-mark; do
        ln -sf "$(realpath "$0")" "/usr/bin/$p"
    done
    exit 0
fi
releases="$(cat "$state/releases")"
touch "$state/held"

fail() {
    echo "E: $1" >&2
    exit 100
}

case "$(basename "$0") ${1:-}" in
    "apt-get update")
        minor="$(sed -n -E 's@.*/v(1\.[0-9]+)/deb/.*@\1@p' "$list")"
        [ -n "$minor" ] || fail "no Kubernetes repository in $list"
        echo "$minor" > "$state/minor"
        echo "lab apt: Kubernetes repository v$minor" ;;
    "apt-get install")
        shift
        allow_held=""
        wanted=()
        for a in "$@"; do
            case "$a" in
                --allow-change-held-packages) allow_held=1 ;;
                -*) ;;
                *) wanted+=("$a") ;;
            esac
        done
        minor="$(cat "$state/minor" 2>/dev/null || true)"
        for w in "${wanted[@]}"; do
            name="${w%%=*}" version="${w#*=}"
            version="${version%-\*}"
            case "$name" in kubeadm|kubelet|kubectl) ;; *) fail "Unable to locate package $name (the lab installs only kubeadm, kubelet and kubectl)" ;; esac
            if [ "${version%.*}" != "$minor" ] || [ ! -x "$releases/v$version/$name" ]; then
                fail "Version '$version-*' for '$name' was not found (repository v$minor)"
            fi
            current="$(readlink "$pkg_dir/$name" 2>/dev/null || true)"
            if [ "$current" != "$releases/v$version/$name" ] && [ -n "$current" ] && grep -qx "$name" "$state/held" && [ -z "$allow_held" ]; then
                fail "Held packages were changed and -y was used without --allow-change-held-packages."
            fi
        done
        for w in "${wanted[@]}"; do
            name="${w%%=*}" version="${w#*=}"
            version="${version%-\*}"
            ln -sfn "$releases/v$version/$name" "$pkg_dir/$name"
            echo "lab apt: $name $version installed"
        done ;;
    "apt-mark hold")
        shift
        printf '%s\n' "$@" | cat - "$state/held" | sort -u > "$state/held.new"
        mv "$state/held.new" "$state/held" ;;
    "apt-mark unhold")
        shift
        grep -vxF -f <(printf '%s\n' "$@") "$state/held" > "$state/held.new" || true
        mv "$state/held.new" "$state/held" ;;
    "apt-mark showhold")
        cat "$state/held" ;;
    *)
        fail "the lab's $(basename "$0") does not do '${1:-}'" ;;
esac
