"""Start a grading kernel with hard resource limits: ``python launch.py MEM_MB FILE_MB -- ARGS``.

Runs inside the jail, before any student code: the hard limits it sets cannot be raised by
the kernel (no capabilities). Then it runs ``python -m ipykernel_launcher ARGS``.
"""
import resource
import runpy
import sys


def main():
    memory_mb, file_mb = int(sys.argv[1]), int(sys.argv[2])
    args = sys.argv[sys.argv.index("--") + 1:]
    if memory_mb > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    if file_mb > 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb << 20, file_mb << 20))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if args[:2] == ["-m", "ipykernel_launcher"]:
        args = args[2:]
    sys.argv = ["ipykernel_launcher"] + args
    runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
