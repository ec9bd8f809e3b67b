#!/bin/sh
# berth's runc or ctr (this script's name, through the symlinks beside it) as on a host with cgroup
# v2 only (most distributions now): run in a private mount namespace where /sys/fs/cgroup is the
# cgroup2 hierarchy, which a hybrid host (this kind of machine) mounts beside the v1 ones at
# /sys/fs/cgroup/unified. Each call makes its own namespace; the cgroup paths in berth's state name
# the same cgroups in every one of them.
here=$(cd "$(dirname "$0")" && pwd)
exec unshare --mount --propagation private sh -c 'mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec "$0" "$@"' "$here/../../../bin/$(basename "$0")" "$@"
