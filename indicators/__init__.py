"""The semantic layer: indicator definitions, validation, compilation to SQL, evaluation with targets."""
