// How a program is run contained on Linux: `unshare` gives it its own mount, PID and (unless the
// network is allowed) network namespaces; a shell script then makes every mount read-only except
// its temp folder (a fresh tmpfs), the writable folders it was given and the copy-on-write ones
// (an overlay whose writes land in the temp tmpfs and vanish with it), replaces /dev with a few
// harmless devices, and drops every capability before it runs the program, so the program cannot
// remount anything. When the namespace's first process ends, the kernel ends every process in it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// $1 the program's temp folder, then the writable folders, "--", the copy-on-write folders, "--",
// then the command.
const SCRIPT = String.raw`set -eu
tmp=$1; shift
# Moves a mount (and those under it): a bind, then a detach. The kernel refuses mount --move
# inside a user namespace (without root).
relocate() {
  mount --rbind "$1" "$2"
  umount -l "$1"
}
mount --make-rprivate /
mount -t tmpfs -o mode=0700,nosuid,nodev tmpfs "$tmp"
mkdir "$tmp/.dev"
mount -t tmpfs -o mode=0755,nosuid tmpfs "$tmp/.dev"
for name in null zero full random urandom; do
  : > "$tmp/.dev/$name"
  mount --bind "/dev/$name" "$tmp/.dev/$name"
done
mkdir "$tmp/.dev/shm"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$tmp/.dev/shm"
ln -s /proc/self/fd "$tmp/.dev/fd"
ln -s /proc/self/fd/0 "$tmp/.dev/stdin"
ln -s /proc/self/fd/1 "$tmp/.dev/stdout"
ln -s /proc/self/fd/2 "$tmp/.dev/stderr"
relocate "$tmp/.dev" /dev
rmdir "$tmp/.dev"
writable=" $tmp "
# The temp folder and the writable folders are set aside (in the new /dev) while the overlays go
# on, then put back on top: one inside a copy-on-write folder (a temp folder under the program's
# own) stays the real folder, not the overlay's copy of it.
stash=/dev/.stash
mkdir "$stash"
mkdir "$stash/tmp"
relocate "$tmp" "$stash/tmp"
count=0
while [ "$1" != "--" ]; do
  count=$((count + 1))
  mkdir "$stash/$count"
  mount --bind "$1" "$stash/$count"
  printf '%s\n' "$1" >> "$stash/list"
  writable="$writable$1 "
  shift
done
shift
layer=0
while [ "$1" != "--" ]; do
  layer=$((layer + 1))
  mkdir -p "$stash/tmp/.overlay/$layer/upper" "$stash/tmp/.overlay/$layer/work"
  mount -t overlay overlay \
    -o "lowerdir=$1,upperdir=$stash/tmp/.overlay/$layer/upper,workdir=$stash/tmp/.overlay/$layer/work" "$1"
  writable="$writable$1 "
  shift
done
shift
relocate "$stash/tmp" "$tmp"
count=0
if [ -f "$stash/list" ]; then
  while read -r point; do
    count=$((count + 1))
    relocate "$stash/$count" "$point"
  done < "$stash/list"
fi
mounts=$(cut -d' ' -f5,6 /proc/self/mountinfo)
echo "$mounts" | while read -r point options; do
  case "$point" in *\\*) point=$(printf '%b' "$point") ;; esac
  case "$writable" in *" $point "*) continue ;; esac
  case "$point" in /dev | /dev/* | /proc | /proc/*) continue ;; esac
  mount -o "remount,bind,$options,ro" "$point"
done
for point in /proc/sys /proc/sysrq-trigger; do
  [ -e "$point" ] || continue
  mount --bind "$point" "$point"
  mount -o remount,bind,ro "$point"
done
exec setpriv --no-new-privs --bounding-set=-all --inh-caps=-all --ambient-caps=-all -- "$@"
`;

export interface SandboxOptions {
  tempDir: string;
  writableDirs: readonly string[];
  /** Folders the program may write, its writes kept in its temp tmpfs and discarded with it. */
  copyOnWriteDirs: readonly string[];
  allowNetwork: boolean;
}

let support: { unshare: string[] } | { why: string } | undefined;

/** The `unshare` flags that work here, or why the program cannot be contained. Probed once. */
export function sandboxSupport(): { unshare: string[] } | { why: string } {
  if (support) return support;
  if (process.platform !== "linux") {
    support = { why: `containment needs Linux namespaces, and this is ${process.platform}` };
    return support;
  }
  const candidates = process.getuid?.() === 0 ? [[]] : [["--user", "--map-root-user"]];
  let why = "";
  for (const extra of candidates) {
    const probeDir = mkdtempSync(join(tmpdir(), "policy-check-probe-"));
    const lowerDir = mkdtempSync(join(tmpdir(), "policy-check-probe-"));
    try {
      const [command, ...args] = sandboxed(
        extra,
        { tempDir: probeDir, writableDirs: [], copyOnWriteDirs: [lowerDir], allowNetwork: false },
        "true",
        [],
      );
      const probe = spawnSync(command, args, { encoding: "utf8", timeout: 10_000 });
      if (probe.status === 0) {
        support = { unshare: extra };
        return support;
      }
      why =
        probe.error?.message ??
        (probe.stderr.trim().split("\n").pop() || `unshare exited ${probe.status}`);
    } finally {
      rmSync(probeDir, { recursive: true, force: true });
      rmSync(lowerDir, { recursive: true, force: true });
    }
  }
  const who = process.getuid?.() === 0 ? "as root" : "without root, through a user namespace";
  support = { why: `namespaces could not be set up ${who} (${why})` };
  return support;
}

/** The command line that runs `command` contained. */
export function sandboxed(
  unshareFlags: readonly string[],
  options: SandboxOptions,
  command: string,
  args: readonly string[],
): string[] {
  return [
    // Should the check itself be killed outright (no exit handler runs), unshare dies with it, and
    // with unshare (--kill-child) the namespace and every process in it.
    "setpriv",
    "--pdeathsig",
    "SIGKILL",
    "--",
    "unshare",
    ...unshareFlags,
    "--mount",
    "--pid",
    "--mount-proc",
    "--kill-child=SIGKILL",
    ...(options.allowNetwork ? [] : ["--net"]),
    "sh",
    "-c",
    SCRIPT,
    "policy-check-sandbox",
    options.tempDir,
    ...options.writableDirs,
    "--",
    // overlayfs options cannot name a folder with a comma, a colon or a backslash: read-only then.
    ...options.copyOnWriteDirs.filter((dir) => !/[,:\\]/.test(dir)),
    "--",
    command,
    ...args,
  ];
}
