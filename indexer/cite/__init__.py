"""References: one mapping from a bibliography entry to a CSL item, the styles, the export formats."""
