"""The province operations center: many communes' data arriving through the province cluster, their alerts
mirrored (acknowledgements sent back), and the views scoped to communes."""
