"""Reading Persian news articles, analysing them and writing the search index."""
