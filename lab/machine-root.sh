#!/usr/bin/env bash
# Makes the mount namespace of one test machine (run by the lab inside the machine's fresh
# network, mount and UTS namespaces, with private mount propagation): the machine gets its own
# writable /etc, /usr, /opt, /root, /var/lib and /var/log (overlays on this machine's, changes
# kept on the lab's disk), its own /run and /tmp, data directories on the lab's disk, the cgroup
# hierarchies, and a /proc/sys where only the network keys (per namespace) are writable.
# Then it stays as the namespace's holder until the lab stops it.
#
# Usage: machine-root.sh DISK HOSTNAME CGROUP
set -euo pipefail

disk=$1
name=$2
cgroup=$3

hostname "$name"
for d in etc usr opt root var/lib var/log; do
    mkdir -p "$disk/upper/$d" "$disk/work/$d"
    mount -t overlay "overlay-$d" -o "lowerdir=/$d,upperdir=$disk/upper/$d,workdir=$disk/work/$d" "/$d"
done
for d in var/lib/containerd var/lib/kubelet var/lib/etcd; do
    mkdir -p "$disk/$d" "/$d"
    mount --bind "$disk/$d" "/$d"
done
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp

# `ip netns exec` mounted a fresh /sys without the cgroup hierarchies: mount the ones this
# machine has, with the same options.
mount -t tmpfs -o mode=0755 cgroup-root /sys/fs/cgroup
while read -r target fstype options; do
    mkdir -p "$target"
    mount -t "$fstype" -o "$options" cgroup "$target"
done < <(findmnt -rn -N 1 -t cgroup,cgroup2 -o TARGET,FSTYPE,OPTIONS)
# The machine's own cgroup in every hierarchy (its kubelet's --cgroup-root); a cpuset cgroup
# starts empty in cgroup v1, so it gets all of this machine's CPUs and memory nodes.
for hierarchy in /sys/fs/cgroup/*/; do
    mkdir -p "$hierarchy$cgroup"
done
cat /sys/fs/cgroup/cpuset/cpuset.cpus > "/sys/fs/cgroup/cpuset$cgroup/cpuset.cpus"
cat /sys/fs/cgroup/cpuset/cpuset.mems > "/sys/fs/cgroup/cpuset$cgroup/cpuset.mems"

# Kernel-wide keys stay this machine's: the ones the kubelet insists on are files of this
# machine only, and the rest of /proc/sys is read-only except the network's.
for key in vm/overcommit_memory=1 kernel/panic=10 kernel/panic_on_oops=1; do
    file="$disk/sysctl/${key%%=*}"
    mkdir -p "$(dirname "$file")"
    echo "${key#*=}" > "$file"
done
mount --bind /proc/sys /proc/sys
mount --bind /proc/sys/net /proc/sys/net
mount -o remount,bind,ro /proc/sys
for key in vm/overcommit_memory kernel/panic kernel/panic_on_oops; do
    mount --bind "$disk/sysctl/$key" "/proc/sys/$key"
done

# Only the rendered sysctl files apply here (this machine's own would set kernel-wide keys).
rm -f /etc/sysctl.d/* /usr/lib/sysctl.d/*
echo "$name" > /etc/hostname
touch "$disk/ready"
exec sleep infinity
