"""Writers that render an analysis' ``to_dict()`` — they never recompute."""
