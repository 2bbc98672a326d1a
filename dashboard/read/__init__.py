"""The typed read layer below both the API and the pages: one module per domain (sensors, alerts, cameras, kpis,
system), each with frozen views (`...View`) and a reader made from the context's Protocol-typed services
(dashboard.services), got through `<domain>_reads(ctx)` and kept per context in `ctx.extras`."""
