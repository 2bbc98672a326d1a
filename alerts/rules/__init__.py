"""Alert rules: pure state machines over readings, events and health, each emitting `Signal`s."""
