"""A real RTSP server for tests and benchmarks: GStreamer's RTSP server serving a generated H.264 stream
(colour bars with a bouncing ball in the right half, so motion happens in a known place).

Run by the system Python, which has the gi bindings:
    /usr/bin/python3 tests/rtsp_server.py PORT [--mount /cam] [--width 640 --height 360 --fps 15]
    [--user NAME --password SECRET] [--scene bars|ball | --frames DIR]
`--scene ball` serves GStreamer's own dark scene (a small white ball moving over black, full frame);
`--frames DIR` serves the JPEG files DIR/0000.jpg, 0001.jpg, ... in a loop (clips drawn by the tests).
It prints "READY rtsp://127.0.0.1:PORT/cam" on stdout once it listens, and runs until SIGTERM/SIGINT.
All clients of a mount share one encoder, so a benchmark can open many streams at the cost of one."""

from __future__ import annotations

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def launch_line(width: int, height: int, fps: int) -> str:
    """Bars on the left, a ball bouncing on a grey tile on the right; H.264 for low latency."""
    ball_w, ball_h = width // 2, height
    return (
        f"( compositor name=mix background=black sink_1::xpos={width - ball_w} "
        f"! video/x-raw,width={width},height={height} "
        f"! videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps * 2} bitrate=800 "
        f"! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1 "
        f"videotestsrc is-live=true pattern=smpte "
        f"! video/x-raw,width={width},height={height},framerate={fps}/1 "
        f"! mix.sink_0 "
        f"videotestsrc is-live=true pattern=ball motion=sweep background-color=0xff606060 "
        f"! video/x-raw,width={ball_w},height={ball_h},framerate={fps}/1 ! mix.sink_1 )"
    )


ENCODE = (
    "videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={key} bitrate=800 "
    "! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1"
)


def ball_line(width: int, height: int, fps: int) -> str:
    """The dark scene: videotestsrc pattern=ball alone (white ball on black), full frame."""
    return (
        f"( videotestsrc is-live=true pattern=ball ! video/x-raw,width={width},height={height},framerate={fps}/1 "
        f"! {ENCODE.format(key=fps * 2)} )"
    )


def frames_line(folder: str, fps: int) -> str:
    """JPEG frames drawn by a test, looped, paced by the server's clock."""
    return (
        f"( multifilesrc location={folder}/%04d.jpg index=0 loop=true caps=image/jpeg,framerate={fps}/1 "
        f"! jpegdec ! {ENCODE.format(key=fps * 2)} )"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--mount", default="/cam")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--scene", choices=("bars", "ball"), default="bars")
    parser.add_argument("--frames", help="folder of 0000.jpg, 0001.jpg, ... to loop")
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    if args.frames:
        factory.set_launch(frames_line(args.frames, args.fps))
    elif args.scene == "ball":
        factory.set_launch(ball_line(args.width, args.height, args.fps))
    else:
        factory.set_launch(launch_line(args.width, args.height, args.fps))
    factory.set_shared(True)
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ""), token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role("user", "media.factory.access", True)
        permissions.add_permission_for_role("user", "media.factory.construct", True)
        factory.set_permissions(permissions)
    server.get_mount_points().add_factory(args.mount, factory)
    if server.attach(None) == 0:
        print(f"FAILED cannot listen on port {args.port}", flush=True)
        return 1
    loop = GLib.MainLoop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)
    print(f"READY rtsp://127.0.0.1:{args.port}{args.mount}", flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
