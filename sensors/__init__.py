"""Device kinds: readings, field ranges, AQI, flood levels, payload adapters and simulators."""
