# Corpus build rules (owned by the corpus): asm/cases and cases/ -> build/corpus/
corpus:
