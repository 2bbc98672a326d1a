"""MQTT subscription, decoding and validation, dead letters, the batching writer, the stores and the spool."""
