"""The hamlets' loudspeakers: spoken alarms streamed through Icecast to a mount per cluster."""
