"""Search: passages, embeddings, BM25, the index on disk, queries and how results are shown."""
