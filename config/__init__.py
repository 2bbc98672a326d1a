"""What every folder's settings stand on (located problems, the commune, ids, a location), and the shipped YAML
and broker files; the whole file's schema and loader are configfile/."""
