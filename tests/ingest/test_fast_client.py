"""The buffered paho client: every packet decoded in order, large payloads split across reads, all acknowledged."""

from __future__ import annotations

import threading
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from ingest.fast_client import BufferedClient
from tests.ingest.conftest import Publisher
from tests.polling import wait_until


def test_a_queued_burst_arrives_complete_in_order_and_is_acknowledged(mosquitto: Any) -> None:
    received: list[bytes] = []
    lock = threading.Lock()

    def on_message(_c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        with lock:
            received.append(msg.payload)

    def consumer() -> BufferedClient:
        client = BufferedClient(CallbackAPIVersion.VERSION2, client_id="fast-1", clean_session=False,
                                protocol=mqtt.MQTTv311)
        client.on_message = on_message
        client.on_connect = lambda c, *_: c.subscribe("t/#", qos=1)
        client.connect("127.0.0.1", mosquitto.port)
        client.loop_start()
        return client

    client = consumer()
    wait_until(lambda: client.is_connected(), what="connect")
    client.disconnect()
    client.loop_stop()
    pub = Publisher(mosquitto.port)
    payloads = [f"{i:06d}".encode() * (1 if i % 100 else 10_000) for i in range(3000)]  # some of 60 KB
    for payload in payloads:
        pub.client.publish("t/x", payload, qos=1)
    pub.send("t/x", b"last")
    pub.close()
    client = consumer()
    wait_until(lambda: len(received) == len(payloads) + 1, what="all messages")
    client.close_gracefully()
    assert received == [*payloads, b"last"]
    client = consumer()  # every message was acknowledged: nothing is delivered again
    wait_until(lambda: client.is_connected(), what="reconnect")
    pub = Publisher(mosquitto.port)
    pub.send("t/x", b"after")
    pub.close()
    wait_until(lambda: received[-1] == b"after", what="the new message")
    client.disconnect()
    client.loop_stop()
    assert len(received) == len(payloads) + 2


def test_queued_acknowledgements_go_out_as_one_write_and_other_packets_keep_their_place() -> None:
    import struct

    client = BufferedClient(CallbackAPIVersion.VERSION2, client_id="acks")
    acks = [struct.pack("!BBH", 0x40, 2, mid) for mid in (7, 8, 9)]
    for mid, ack in zip((7, 8, 9), acks, strict=True):
        client._packet_queue(0x40, ack, mid, 1)  # noqa: SLF001 - as paho queues a PUBACK
    client._packet_queue(0xC0, b"\xc0\x00", 0, 0)  # noqa: SLF001 - a PINGREQ after them
    client._packet_queue(0x40, struct.pack("!BBH", 0x40, 2, 10), 10, 1)  # noqa: SLF001
    client._coalesce_acks()  # noqa: SLF001
    queued = [p["packet"] for p in client._out_packet]  # noqa: SLF001
    assert queued == [b"".join(acks), b"\xc0\x00", struct.pack("!BBH", 0x40, 2, 10)]
    assert client._out_packet[0]["to_process"] == 12 and client._out_packet[0]["pos"] == 0  # noqa: SLF001
