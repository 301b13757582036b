"""MAUDE device reports: readers, severity classifiers, cross-validation and graph write-back."""
