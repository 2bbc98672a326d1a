"""The KPI catalogue, safe formulas, official-figure imports, sensor-derived KPIs, targets and comparisons."""
