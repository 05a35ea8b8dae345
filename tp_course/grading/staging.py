"""Copying what a student handed in, without ever following a link.

Used for a class (``tp-course grade`` stages ``<student>/<assignment>/`` folders) and for one
submission (the jailed kernel's working copy): only folders and regular files are kept, each
file opened with ``O_NOFOLLOW``, up to a size and a file count; the rest is flagged.
"""
import os
import stat
from pathlib import Path


def link_target(path):
    """Where the symlink ``path`` points (for a flag), or "?"."""
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _copy_file(src, dst, size):
    """Copy at most ``size`` bytes of the regular file ``src``, opened without following a link."""
    fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with open(fd, "rb") as f, open(dst, "xb") as out:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{src} is no longer a regular file")
        while size > 0 and (chunk := f.read(min(size, 1 << 20))):
            out.write(chunk)
            size -= len(chunk)


def copy_folder(src, dst, rel, max_bytes, max_files):
    """Copy one submission folder ``src`` to ``dst`` (``None``: clean ``src`` in place).

    Only folders and regular files are kept, up to ``max_bytes`` and ``max_files``;
    the rest is left out (removed, in place) and flagged. ``rel`` names ``src``
    in the flags. Returns the flags; never raises for what is in ``src``.
    """
    flags, total, count = [], 0, 0
    todo = [Path()]
    while todo:
        sub = todo.pop()
        try:
            entries = sorted(os.scandir(src / sub), key=lambda e: e.name)
        except OSError as exc:
            flags.append(f"unreadable folder: {rel / sub} ({exc.strerror})")
            continue
        for e in entries:
            name = rel / sub / e.name
            try:
                if e.is_dir(follow_symlinks=False):
                    if dst is not None:
                        (dst / sub / e.name).mkdir()
                    todo.append(sub / e.name)
                    continue
                size = e.stat(follow_symlinks=False).st_size
                if e.is_symlink():
                    flag = f"symlink removed: {name} -> {link_target(e.path)}"
                elif not e.is_file(follow_symlinks=False):
                    flag = f"special file removed: {name} (FIFO, socket or device; only regular files are graded)"
                elif total + size > max_bytes or count >= max_files:
                    flag = (f"file skipped: {name} ({size / 1e6:.1f} MB): a submission is capped at "
                            f"{max_bytes / 1e6:g} MB and {max_files} files")
                else:
                    total, count = total + size, count + 1
                    if dst is not None:
                        _copy_file(e.path, dst / sub / e.name, size)
                    continue
                flags.append(flag)
                if dst is None:  # in place: what is flagged goes
                    os.unlink(e.path)
            except OSError as exc:
                flags.append(f"file skipped: {name} ({exc.strerror or exc})")
    return flags
