"""A power cut of the whole PC for fault tests (root only): data folders on loop-mounted ext4 disks, every process
killed at the same instant, and each disk copied as it was on the device at that instant, without the page cache.

How the copy holds only what a disk would hold after a power loss. Each disk is an ext4 image attached to a loop
device and mounted; its image file (what the loop driver wrote, i.e. what reached "the device") lives on an outer
ext4, itself a loop-mounted image on a RAM disk (so that freezing it, which first writes its own dirty pages down,
takes milliseconds). At the cut every process (with all its descendants) gets SIGKILL, then the outer
file system is frozen (`fsfreeze`): the loop drivers' writes to the image files block from then on, while the
image files can still be read. Dirty pages of the disks' own file systems (written by the programs and not synced)
are still in RAM, above the loop devices, so they are not in the copies. The copies are taken while frozen (all
disks at the same instant: a coordinated cut of several machines), the outer file system is thawed, the old disks
are dropped, each copy is checked with `e2fsck -fy` (which replays the journal, as a boot would) and mounted at the
same place, so the programs are restarted on it with the same paths. `test_copy_has_synced_and_not_unsynced_writes`
in test_power_cut.py checks the method: a file fsync'd before the cut is in the copy, one only written is not.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DISK_MB = 768
OUTER_SLACK_MB = 256


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (read from /proc; processes may end meanwhile)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo.extend(children.get(current, []))
    return out


def kill_all(pids: Iterable[int]) -> list[int]:
    """SIGKILL to every process in `pids` and below, in one tight loop: the same instant for all of them."""
    everyone = [p for pid in pids for p in descendants(pid)]
    for pid in everyone:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return everyone


def copy_sparse(src: Path, dst: Path) -> None:
    """Copy a sparse image, reading only its data extents (an empty 768 MB image copies in milliseconds)."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        size = os.fstat(fin.fileno()).st_size
        offset = 0
        while offset < size:
            try:
                start = os.lseek(fin.fileno(), offset, os.SEEK_DATA)
            except OSError:  # no data after offset
                break
            end = os.lseek(fin.fileno(), start, os.SEEK_HOLE)
            fin.seek(start)
            fout.seek(start)
            remaining = end - start
            while remaining:
                chunk = fin.read(min(remaining, 8 << 20))
                fout.write(chunk)
                remaining -= len(chunk)
            offset = end
        fout.truncate(size)


@dataclass
class Disk:
    """One machine's data disk: an ext4 image on a loop device, mounted at `mount`."""

    name: str
    image: Path
    mount: Path
    loop: str = ""
    fsck_codes: list[int] = field(default_factory=list)  # e2fsck's exit status after each cut (0 or 1: fine)

    def attach(self) -> None:
        self.loop = run("losetup", "--find", "--show", str(self.image))
        self.mount.mkdir(parents=True, exist_ok=True)
        run("mount", "-t", "ext4", self.loop, str(self.mount))

    def detach(self) -> None:
        if not self.loop:
            return
        subprocess.run(["umount", "-l", str(self.mount)], check=False, capture_output=True)
        subprocess.run(["losetup", "-d", self.loop], check=False, capture_output=True)
        self.loop = ""


@dataclass(frozen=True)
class CutReport:
    """What a cut did: processes killed, how long from the kills to the freeze and how long the copies took (ms),
    and e2fsck's exit status per disk (0: clean, 1: errors corrected, e.g. the journal replayed; 4 or more: left)."""

    killed: int
    kill_to_freeze_ms: float
    copy_ms: float
    fsck: dict[str, int]


class PowerCutRig:
    """The PC: `disks` (names) on one outer file system under `directory`, mounted at `directory/<name>`.

    Use as a context manager; `cut(pids)` acts out the power cut and leaves each disk mounted again from its copy,
    ready for the programs to be started again on it."""

    def __init__(self, directory: Path, disks: Iterable[str] = ("pc",), disk_mb: int = DISK_MB) -> None:
        if os.geteuid() != 0:
            raise RuntimeError("the power-cut rig mounts loop devices: run it as root (CI does)")
        self.directory = directory
        self.names = tuple(disks)
        self.disk_mb = disk_mb
        self.ram = directory / "ram"  # a tmpfs under the outer image: freezing it then takes milliseconds
        self.outer_image = self.ram / "outer.img"
        self.outer = directory / "outer"
        self.outer_loop = ""
        self.disks: dict[str, Disk] = {}
        self.cuts: list[CutReport] = []

    def __enter__(self) -> PowerCutRig:
        outer_mb = 2 * self.disk_mb * len(self.names) + OUTER_SLACK_MB  # the disks and, for a moment, a copy each
        self.ram.mkdir(parents=True, exist_ok=True)
        run("mount", "-t", "tmpfs", "-o", f"size={outer_mb + self.disk_mb * len(self.names)}m", "tmpfs", str(self.ram))
        with open(self.outer_image, "wb") as fh:
            fh.truncate(outer_mb << 20)
        self.outer_loop = run("losetup", "--find", "--show", str(self.outer_image))
        try:
            run("mkfs.ext4", "-q", "-E", "lazy_itable_init=1,lazy_journal_init=1", self.outer_loop)
            self.outer.mkdir(exist_ok=True)
            run("mount", "-t", "ext4", self.outer_loop, str(self.outer))
            for name in self.names:
                image = self.outer / f"{name}.img"
                with open(image, "wb") as fh:
                    fh.truncate(self.disk_mb << 20)
                run("mkfs.ext4", "-q", "-E", "lazy_itable_init=1,lazy_journal_init=1", str(image))
                disk = Disk(name, image, self.directory / name)
                disk.attach()
                self.disks[name] = disk
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        for disk in self.disks.values():
            disk.detach()
        if self.outer_loop:
            subprocess.run(["fsfreeze", "-u", str(self.outer)], check=False, capture_output=True)
            subprocess.run(["umount", "-l", str(self.outer)], check=False, capture_output=True)
            subprocess.run(["losetup", "-d", self.outer_loop], check=False, capture_output=True)
            self.outer_loop = ""
        subprocess.run(["umount", "-l", str(self.ram)], check=False, capture_output=True)

    def path(self, disk: str = "pc") -> Path:
        """Where disk `disk` is mounted (the programs' data folders go below it)."""
        return self.disks[disk].mount

    def kill(self, pids: Iterable[int]) -> CutReport:
        """Only the processes die (kill -9 of them all at once); the disks keep everything, page cache included."""
        killed = kill_all(pids)
        for pid in killed:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)
        return CutReport(len(killed), 0.0, 0.0, {})

    def cut(self, pids: Iterable[int]) -> CutReport:
        """The power goes: SIGKILL to `pids` and their descendants at once, every disk copied as the device holds
        it, then (power back) each copy checked and mounted where its disk was."""
        killed = kill_all(pids)
        t_kill = time.perf_counter()
        run("fsfreeze", "-f", str(self.outer))
        t_frozen = time.perf_counter()
        staged: dict[str, Path] = {}
        try:
            for name, disk in self.disks.items():
                staged[name] = self.ram / f"{name}.cut.img"  # beside the outer file system, not on it
                copy_sparse(disk.image, staged[name])
        finally:
            t_copied = time.perf_counter()
            run("fsfreeze", "-u", str(self.outer))
        for pid in killed:  # reap our own children (the others are reaped by their parents or init)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)
        fsck: dict[str, int] = {}
        for name, disk in self.disks.items():
            disk.detach()
            disk.image.unlink()
            copy_sparse(staged[name], disk.image)
            staged[name].unlink()
            fsck[name] = subprocess.run(["e2fsck", "-fy", str(disk.image)], capture_output=True).returncode
            disk.fsck_codes.append(fsck[name])
            disk.attach()
        report = CutReport(len(killed), (t_frozen - t_kill) * 1000, (t_copied - t_frozen) * 1000, fsck)
        self.cuts.append(report)
        return report


@contextlib.contextmanager
def power_cut_rig(directory: Path, disks: Iterable[str] = ("pc",), disk_mb: int = DISK_MB) -> Iterator[PowerCutRig]:
    with PowerCutRig(directory, disks, disk_mb) as rig:
        yield rig


def free_loop_devices() -> int:
    """Loop devices not in use (the rig takes one per disk and one for the outer file system)."""
    used = {line.split(":")[0] for line in run("losetup", "-a").splitlines() if line}
    return sum(1 for dev in Path("/dev").glob("loop[0-9]*") if str(dev) not in used)


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
