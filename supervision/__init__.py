"""One lifecycle for every long-running part of COC: start in order, stop on one event, report health, restart."""
