"""COC's configuration file as a whole: the schema that composes every folder's own section (`schema.CocConfig`,
`ProvinceCenterConfig`), the loader that validates a YAML file with located errors, and the checks of a running
file's secrets. Only the wiring and the command line import it; the parts get their sections."""
