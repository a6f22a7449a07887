"""The bytes a fresh page takes over the network, served directly and through the balancer.

Every figure of the browser group is timed on localhost, where a megabyte costs nothing. A
class is not: thirty students open the link in the same minute over one school network, and
each fresh page fetches Streamlit's scripts and styles (about 4.8 MB, which a worker sends
uncompressed) before its websocket brings the run. `report_wire_bytes` loads breast cancer's
first screen in a fresh Chromium context twice, from one `streamlit run` process and through
``scripts/serve_class.sh`` (one worker behind HAProxy, which gzips scripts and styles), and
prints what crossed the network: the HTTP bodies as sent (Chromium's ``encodedDataLength``,
headers included) and the websocket's messages (not compressed on either path: see
``scripts/haproxy.cfg.template``).
"""

from __future__ import annotations

import base64
import time
from typing import TYPE_CHECKING

from .server import REPO_ROOT, ClassServer

if TYPE_CHECKING:
    from .browser import Session

QUERY = "?data=breast_cancer&std=1"
#: Seconds to let the page's last requests (fonts, the icon) finish after it is drawn.
SETTLE_S = 1.0


def wire_bytes(session: Session, url: str) -> tuple[int, int]:
    """HTTP bytes and websocket message bytes a fresh context takes to draw ``url``."""
    from .browser import open_app

    page = session.new_page()
    try:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        http: dict[str, int] = {}
        frames: list[int] = []

        def finished(event: dict) -> None:
            http[event["requestId"]] = int(event.get("encodedDataLength", 0))

        def frame(event: dict) -> None:
            response = event["response"]
            data = response.get("payloadData", "")
            # a binary frame's payload comes base64-encoded (opcode 2), a text frame's as is
            frames.append(len(base64.b64decode(data)) if response.get("opcode") == 2
                          else len(data.encode()))

        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.webSocketFrameReceived", frame)
        open_app(page, url, QUERY)
        time.sleep(SETTLE_S)
        return sum(http.values()), sum(frames)
    finally:
        session.close_context(page)


def report_wire_bytes(session: Session) -> None:
    """Print the first screen's bytes over the network, direct and through the balancer."""
    balancer = ClassServer(1, REPO_ROOT, session.tmp)
    try:
        balancer.wait_healthy()
        wire_bytes(session, balancer.url)  # the worker's first run fills its caches
        direct_http, direct_ws = wire_bytes(session, session.app.url)
        proxied_http, proxied_ws = wire_bytes(session, balancer.url)
    except RuntimeError as error:  # no HAProxy here, or it did not come up
        print(f"  first screen's bytes through the balancer: not measured ({error})")
        return
    finally:
        balancer.stop()
    print(f"  bytes a fresh page takes to draw breast cancer's first screen: HTTP "
          f"{direct_http / 1e6:.2f} MB from one streamlit run process, "
          f"{proxied_http / 1e6:.2f} MB through scripts/serve_class.sh "
          f"({proxied_http / direct_http:.2f}x, gzip at the balancer); websocket "
          f"{direct_ws / 1e6:.2f} MB and {proxied_ws / 1e6:.2f} MB (not compressed)")
