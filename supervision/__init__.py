"""One lifecycle for every long-running part of COC: start in order, stop on one event, report health, restart;
the runtime shell (shell.py) that holds a COC's parts in boot order."""
