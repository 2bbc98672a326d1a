"""A real RTSP server for tests and benchmarks: GStreamer's RTSP server serving a generated H.264 stream
(colour bars with a bouncing ball in the right half, so motion happens in a known place).

Run by the system Python, which has the gi bindings:
    /usr/bin/python3 tests/rtsp_server.py PORT [--mount /cam] [--width 640 --height 360 --fps 15]
    [--user NAME --password SECRET] [--scene bars|still|ball | --frames DIR] [--sub-mount /sub --sub-width 320]
`--scene still` is the bars with a still grey tile and faint sensor noise (nothing moves);
`--scene ball` serves GStreamer's own dark scene (a small white ball moving over black, full frame);
`--frames DIR` serves the JPEG files DIR/0000.jpg, 0001.jpg, ... in a loop (clips drawn by the tests).
`--sub-mount` also serves the same scene, smaller (a camera's sub-stream, `--sub-width` wide), from its own encoder.
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


def launch_line(width: int, height: int, fps: int, still: bool = False) -> str:
    """Bars on the left, a ball bouncing on a grey tile on the right (still: the tile without the ball, and faint
    noise over the whole picture as a real sensor gives); H.264 for low latency."""
    ball_w, ball_h = width // 2, height
    tile = "pattern=solid-color foreground-color=0xff606060" if still else "pattern=ball motion=sweep"
    tile += " background-color=0xff606060"
    noise = (
        f"videotestsrc is-live=true pattern=snow ! video/x-raw,width={width},height={height},framerate={fps}/1 "
        "! mix.sink_2 "
        if still
        else ""
    )
    return (
        f"( compositor name=mix background=black sink_1::xpos={width - ball_w} {'sink_2::alpha=0.05 ' if still else ''}"
        f"! video/x-raw,width={width},height={height} "
        f"! videoconvert ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps * 2} bitrate=800 "
        f"! video/x-h264,profile=baseline ! rtph264pay name=pay0 pt=96 config-interval=1 "
        f"videotestsrc is-live=true pattern=smpte "
        f"! video/x-raw,width={width},height={height},framerate={fps}/1 "
        f"! mix.sink_0 "
        f"videotestsrc is-live=true {tile} "
        f"! video/x-raw,width={ball_w},height={ball_h},framerate={fps}/1 ! mix.sink_1 {noise})"
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


def frames_line(folder: str, fps: int, size: tuple[int, int] | None = None) -> str:
    """JPEG frames drawn by a test, looped, paced by the server's clock (scaled to `size` when given)."""
    scale = f"! videoscale ! video/x-raw,width={size[0]},height={size[1]} " if size else ""
    return (
        f"( multifilesrc location={folder}/%04d.jpg index=0 loop=true caps=image/jpeg,framerate={fps}/1 "
        f"! jpegdec {scale}! {ENCODE.format(key=fps * 2)} )"
    )


def protect(factory: GstRtspServer.RTSPMediaFactory, args: argparse.Namespace) -> None:
    """With --user: only that user may open the mount."""
    if not args.user:
        return
    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_permission_for_role("user", "media.factory.access", True)
    permissions.add_permission_for_role("user", "media.factory.construct", True)
    factory.set_permissions(permissions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--mount", default="/cam")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--scene", choices=("bars", "still", "ball"), default="bars")
    parser.add_argument("--frames", help="folder of 0000.jpg, 0001.jpg, ... to loop")
    parser.add_argument("--sub-mount", help="also serve the scene smaller here, e.g. /sub (a sub-stream)")
    parser.add_argument("--sub-width", type=int, default=320)
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = {args.mount: (args.width, args.height)}
    if args.sub_mount:
        mounts[args.sub_mount] = (args.sub_width, args.sub_width * args.height // args.width // 2 * 2)
    for mount, (width, height) in mounts.items():
        factory = GstRtspServer.RTSPMediaFactory()
        if args.frames:
            factory.set_launch(frames_line(args.frames, args.fps, None if mount == args.mount else (width, height)))
        elif args.scene == "ball":
            factory.set_launch(ball_line(width, height, args.fps))
        else:
            factory.set_launch(launch_line(width, height, args.fps, args.scene == "still"))
        factory.set_shared(True)
        protect(factory, args)
        server.get_mount_points().add_factory(mount, factory)
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ""), token)
        server.set_auth(auth)
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
