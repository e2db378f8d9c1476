"""Model -> RDF: our vocabulary, the one place that mints IRIs, and the mapping."""
