"""The `upward` command: parse, call analysis, render. Nothing is computed here."""
