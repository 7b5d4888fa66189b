"""Spec-vs-spec drift, judged by what each change does to the generated client."""
