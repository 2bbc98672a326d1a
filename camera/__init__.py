"""Camera sources, motion / zone / tamper / offline analysis, snapshots and the latest frame for live view."""
