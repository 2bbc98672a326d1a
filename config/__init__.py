"""The YAML configuration files and the one schema that validates them."""
