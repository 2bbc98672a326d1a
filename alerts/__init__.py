"""Alert rules, the alert lifecycle, de-duplication, escalation, notifications and the alert log."""
