#!/bin/sh
# The first process of simulated host N (started by up.sh, never by hand):
#   nsenter --net=/run/netns/lhsimN unshare --mount --uts --propagation private host-init.sh N STATE SSHROOT
# It is already inside the host's network namespace and in a fresh, private mount + UTS
# namespace. It gives the host its own view (sysfs, /run, /etc/docker, passwd with sshd's
# privilege-separation user, /etc/hosts), starts the host's dockerd and sshd as its children,
# writes their pids where up.sh/down.sh read them, and waits for both.
set -eu
N=$1 STATE=$2 SSHROOT=$3
RUN=/run/lhsim-host$N                 # seen as /run inside the host
DATA=/var/lib/lhsim-host$N
HD=$STATE/host$N

hostname "lhsim$N"

# A sysfs that shows this network namespace's devices (Docker reads /sys/class/net), keeping
# the machine's cgroup tree mounted under it (dockerd needs the devices cgroup).
mkdir -p "$HD/cg"
mount --rbind /sys/fs/cgroup "$HD/cg"
mount -t sysfs sysfs /sys
mount --rbind "$HD/cg" /sys/fs/cgroup
umount -l "$HD/cg"

mount --bind "$RUN" /run
mount --bind "$HD/etc-docker" /etc/docker
mount --bind "$STATE/passwd" /etc/passwd
mount --bind "$STATE/hosts" /etc/hosts
mkdir -p /run/sshd && chmod 0755 /run/sshd

dockerd --data-root "$DATA" --exec-root /run/docker -H unix:///run/docker.sock \
        --pidfile /run/docker.pid --cgroup-parent "lhsim-host$N" >/run/dockerd.log 2>&1 &

LD_LIBRARY_PATH=$SSHROOT/usr/lib/x86_64-linux-gnu \
  "$SSHROOT/usr/sbin/sshd" -D -f "$HD/sshd_config" -E /run/sshd.log &
echo $! >/run/sshd.pid

wait
