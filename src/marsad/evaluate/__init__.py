"""Evaluation of marsad models on labelled data."""
