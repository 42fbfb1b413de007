"""Scale labels: EAN-13 codes with a store prefix (20-29) that carry a PLU and a price or
a weight."""
