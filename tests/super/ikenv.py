"""What the device-file tests need from the machine (shared by tests/super/*.py)."""
import os


def missing_requirement():
    """Why this machine cannot run a device-file test (/dev/kvm, /dev/fuse, root), or None."""
    for path, what in (("/dev/kvm", "KVM"), ("/dev/fuse", "FUSE")):
        if not os.access(path, os.R_OK | os.W_OK):
            return f"{path} not available ({what})"
    if os.geteuid() != 0:
        return "mounting the device files needs root"
    return None
