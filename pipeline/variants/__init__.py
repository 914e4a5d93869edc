"""Model variants for the August proposal (MODEL.md, "Model variants for the August proposal").

`catalogue` reads the named variants of `data/variants.toml`; `comparison` computes each with the
share model (`pipeline.model.shares`, the same code as the standard draft) and compares it with the
standard: per municipality, per county and in a summary per variant. `workbook`, `memo` and `maps`
write what the decision makers read, in Swedish; `service` is the step the Dagster asset and
`anvisning variants` run. The published table never comes from here: the warehouse keeps each
variant beside the standard draft, which alone is reviewed and published.
"""
