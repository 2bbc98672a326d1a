"""A real Icecast 2 server on a free port in its own folder (as the icecast2 user when the tests run as root)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.servers import free_port

CONFIG = """<icecast>
  <limits><clients>50</clients><sources>20</sources><queue-size>1048576</queue-size><client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout><source-timeout>10</source-timeout><burst-on-connect>1</burst-on-connect>
    <burst-size>1048576</burst-size></limits>
  <authentication><source-password>{password}</source-password><admin-user>admin</admin-user>
    <admin-password>{password}-admin</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>0</fileserve>
  <paths><basedir>{root}</basedir><logdir>{root}</logdir></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot>{owner}</security>
</icecast>
"""


class Icecast:
    def __init__(self, password: str = "nguon-123") -> None:
        self.password, self.port = password, free_port()
        self.root = Path(tempfile.mkdtemp(prefix="coc-icecast-"))
        owner = ""
        if os.geteuid() == 0:  # icecast refuses to run as root: it changes to its own user
            owner = "<changeowner><user>icecast2</user><group>icecast</group></changeowner>"
            shutil.chown(self.root, "icecast2", "icecast")
            self.root.chmod(0o755)
        self.config = self.root / "icecast.xml"
        self.config.write_text(CONFIG.format(password=password, port=self.port, root=self.root, owner=owner))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Icecast:
        self.proc = subprocess.Popen(["icecast2", "-c", str(self.config)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 40  # generous: the test machine may be very busy
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                urllib.request.urlopen(f"{self.url}/nothing", timeout=5)
                return self
            except urllib.error.HTTPError:
                return self  # it answers (404 for a mount without a source)
            except OSError:
                time.sleep(0.2)
        log = (self.root / "error.log").read_text(errors="replace")[-500:] if (self.root / "error.log").exists() else ""
        self.stop()
        raise RuntimeError(f"icecast2 did not start on port {self.port}: {log}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
        shutil.rmtree(self.root, ignore_errors=True)
