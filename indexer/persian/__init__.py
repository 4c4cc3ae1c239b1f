"""Persian text analysis as Whoosh components: an offset-keeping tokenizer and one term filter."""
