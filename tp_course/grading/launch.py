"""Start a grading kernel with hard limits: ``python launch.py MEM_MB FILE_MB NPROC UID GID -- ARGS``.

Runs inside the jail, before any student code: the hard limits it sets cannot be raised by
the kernel (no capabilities). When the jail was made by root, it then becomes UID/GID (nobody),
which drops its last two capabilities. Then it runs ``python -m ipykernel_launcher ARGS``.
"""
import os
import resource
import runpy
import sys


def _capabilities():
    with open("/proc/self/status") as f:
        return int(next(line for line in f if line.startswith("CapEff:")).split()[1], 16)


def main():
    memory_mb, file_mb, nproc = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    args = sys.argv[sys.argv.index("--") + 1:]
    if memory_mb > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    if file_mb > 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb << 20, file_mb << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if nproc > 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    uid, gid = int(sys.argv[4]), int(sys.argv[5])
    if os.getuid() == 0 and uid != 0:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)      # from root to nobody: every capability is gone
    if os.getuid() == 0 and uid != 0 or _capabilities() != 0:
        sys.exit("launch: the kernel would keep privileges; not started")
    if args and args[0].endswith(".py"):   # a script instead of the kernel (the jail's own tests)
        sys.argv = args
        runpy.run_path(args[0], run_name="__main__")
        return
    if args[:2] == ["-m", "ipykernel_launcher"]:
        args = args[2:]
    sys.argv = ["ipykernel_launcher"] + args
    runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
